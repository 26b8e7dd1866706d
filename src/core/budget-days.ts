// The tenant's budget by local day (SPEC section 3 step 2, `GET /budget`): today's agents per
// schedule and what is left, and the last days' totals, cut at local midnight in the tenant's
// zone from spending summed per schedule and quarter hour.
import { civilFromDays, formatCivilDate } from './civil-date.ts';
import type { SpendingBucket } from './run-records.ts';
import { tenantDay, tenantLeft, type TenantDay } from './tenant-day.ts';

export const BUDGET_HISTORY_DAYS = 14;

export interface ScheduleSpend {
  readonly scheduleId: string | null;
  readonly agents: number;
  readonly runs: number;
}

export interface BudgetDay {
  /** The local date, YYYY-MM-DD. */
  readonly date: string;
  readonly start: number;
  readonly end: number;
  readonly agents: number;
  readonly runs: number;
}

export interface BudgetReport {
  readonly today: BudgetDay & {
    readonly remaining: number | null;
    readonly bySchedule: readonly ScheduleSpend[];
  };
  /** Oldest first, today last. */
  readonly history: readonly BudgetDay[];
}

/** The local days of the last `count` days up to the one containing `now`, oldest first. */
export function lastLocalDays(timeZone: string, now: number, count: number): TenantDay[] {
  const days: TenantDay[] = [tenantDay(timeZone, now)];
  while (days.length < count) days.unshift(tenantDay(timeZone, days[0]!.start - 1));
  return days;
}

export function budgetReport(input: {
  readonly timeZone: string;
  readonly dailyAgentBudget: number | null;
  readonly now: number;
  readonly buckets: readonly SpendingBucket[];
  readonly days?: number;
}): BudgetReport {
  const days = lastLocalDays(input.timeZone, input.now, input.days ?? BUDGET_HISTORY_DAYS);
  const history = days.map((day): BudgetDay => {
    const inDay = input.buckets.filter((b) => b.at >= day.start && b.at < day.end);
    return {
      date: formatCivilDate(civilFromDays(day.day)),
      start: day.start,
      end: day.end,
      agents: inDay.reduce((sum, b) => sum + b.agents, 0),
      runs: inDay.reduce((sum, b) => sum + b.runs, 0),
    };
  });
  const today = history[history.length - 1]!;
  const bySchedule = new Map<string | null, { agents: number; runs: number }>();
  for (const b of input.buckets) {
    if (b.at < today.start || b.at >= today.end) continue;
    const spend = bySchedule.get(b.schedule_id) ?? { agents: 0, runs: 0 };
    bySchedule.set(b.schedule_id, { agents: spend.agents + b.agents, runs: spend.runs + b.runs });
  }
  return {
    today: {
      ...today,
      remaining: tenantLeft(input.dailyAgentBudget, today.agents),
      // Most agents first; runs started directly (no schedule) sort as any other entry.
      bySchedule: [...bySchedule]
        .map(([scheduleId, spend]) => ({ scheduleId, ...spend }))
        .sort(
          (a, b) => b.agents - a.agents || String(a.scheduleId).localeCompare(String(b.scheduleId)),
        ),
    },
    history,
  };
}

/** Runs per item on each of `days` (oldest first): the rows of the coverage heat map. */
export function runsPerItemPerDay(
  days: readonly TenantDay[],
  buckets: readonly { readonly item_id: string; readonly at: number; readonly runs: number }[],
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const bucket of buckets) {
    const index = days.findIndex((day) => bucket.at >= day.start && bucket.at < day.end);
    if (index < 0) continue;
    const row = out.get(bucket.item_id) ?? days.map(() => 0);
    row[index] = (row[index] ?? 0) + bucket.runs;
    out.set(bucket.item_id, row);
  }
  return out;
}
