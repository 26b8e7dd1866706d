// The coverage forecast (SPEC section 3): simulate the next ticks with the current items,
// last-run times, budgets and cadence, and say plainly whether every item is covered once per
// coverage window. It reuses the tick's own selection and budget rules; it assumes every run
// ends before the next tick (no overlap) and that nothing else (manual runs, other schedules)
// spends the tenant's budget. Gaps are judged from each item's last run, or from the first
// tick for an item that never ran or is already overdue: a backlog is reported, not held
// against the future.

import { MS_PER_DAY, MS_PER_HOUR } from './civil-date.ts';
import { NO_PREVIOUS_RUN, type PreviousRun } from './overlap-policy.ts';
import { selectItems } from './select-items.ts';
import { coverageKs, perTickBudget } from './tick-budget.ts';

export const DEFAULT_FORECAST_DAYS = 14;

export interface ForecastItem {
  readonly id: string;
  readonly priority: number;
  readonly lastRunAt: number | null;
  readonly createdAt: number;
  readonly agentCost: number;
  readonly enabled: boolean;
}

export interface ForecastTenant {
  /** null = unlimited. */
  readonly dailyAgentBudget: number | null;
  /** Agents already spawned today (the tenant's day containing `now`). */
  readonly usedToday: number;
  /** The tenant-local day of an instant; the budget resets when it changes. */
  readonly dayOf: (ms: number) => number;
}

export interface ForecastInput {
  readonly now: number;
  /** Horizon in days of 24 h; default 14. */
  readonly days?: number;
  /** Sorted fire times covering at least [now − window, now + days + 28 days + window]. */
  readonly fireTimes: readonly number[];
  readonly items: readonly ForecastItem[];
  readonly coverageWindowHours: number;
  /** Runs per tick; null = auto. */
  readonly dailyBudget: number | null;
  readonly tenant: ForecastTenant;
}

export interface ForecastTick {
  readonly at: number;
  readonly selected: readonly string[];
  readonly agents: number;
  /** The per-tick run budget at this tick. */
  readonly perTick: number;
}

export interface ItemCoverage {
  readonly itemId: string;
  readonly runs: number;
  /** The longest gap between consecutive runs, from the last run (or the first tick, for an
   *  item that never ran or is already overdue) to the horizon's end. */
  readonly worstGapHours: number;
  /** worstGapHours ÷ coverage window: above 1 means the window is not met for this item. */
  readonly worstStalenessRatio: number;
  /** Whether the item was already more than a window late at `now`. */
  readonly overdueNow: boolean;
}

export interface ForecastVerdict {
  readonly met: boolean;
  readonly text: string;
  /** The per-tick budget the window needs, when the configured one is short of it. */
  readonly requiredPerTick?: number;
}

export interface Forecast {
  readonly ticks: readonly ForecastTick[];
  readonly items: readonly ItemCoverage[];
  readonly verdict: ForecastVerdict;
}

interface SimulatedItem {
  readonly id: string;
  readonly priority: number;
  lastRunAt: number | null;
  readonly createdAt: number;
  readonly agentCost: number;
  readonly previous: PreviousRun;
}

export function forecastCoverage(input: ForecastInput): Forecast {
  const { now, fireTimes, coverageWindowHours, dailyBudget, tenant } = input;
  const days = input.days ?? DEFAULT_FORECAST_DAYS;
  const end = now + days * MS_PER_DAY;
  const windowMs = coverageWindowHours * MS_PER_HOUR;
  const items: SimulatedItem[] = input.items
    .filter((item) => item.enabled)
    .map(({ id, priority, lastRunAt, createdAt, agentCost }) => ({
      id,
      priority,
      lastRunAt,
      createdAt,
      agentCost,
      previous: NO_PREVIOUS_RUN,
    }));
  const byId = new Map(items.map((item) => [item.id, item]));
  const runTimes = new Map<string, number[]>(items.map((item) => [item.id, []]));

  // A fire time at `now` itself has been ticked already (or is being ticked).
  const tickTimes = fireTimes.filter((t) => t > now && t <= end);
  const ks = coverageKs(fireTimes, tickTimes, windowMs);
  let day = tenant.dayOf(now);
  let used = tenant.usedToday;
  let required = 0;
  let budgetShort = false;
  let windowUnmeetable = false;
  let tenantLimited = false;
  const ticks: ForecastTick[] = tickTimes.map((at, k) => {
    const { k: fires, windowMet } = ks[k]!;
    if (!windowMet) windowUnmeetable = true;
    const needed = Math.ceil(items.length / fires);
    const perTick = perTickBudget({ dailyBudget, candidates: items.length, k: fires });
    required = Math.max(required, needed);
    if (perTick < needed) budgetShort = true;
    if (tenant.dayOf(at) !== day) {
      day = tenant.dayOf(at);
      used = 0;
    }
    const limit = tenant.dailyAgentBudget;
    const selection = selectItems({
      fireTime: at,
      coverageWindowHours,
      perTick,
      tenantLeft: limit === null ? null : Math.max(0, limit - used),
      overlapPolicy: 'skip',
      items,
    });
    const selected: string[] = [];
    for (const entry of selection.entries) {
      if (entry.outcome === 'selected') {
        selected.push(entry.itemId);
        byId.get(entry.itemId)!.lastRunAt = at;
        runTimes.get(entry.itemId)!.push(at);
      } else if (entry.reason === 'tenant_budget') {
        tenantLimited = true;
      }
    }
    used += selection.totals.agents;
    return { at, selected, agents: selection.totals.agents, perTick };
  });

  const coverage = input.items
    .filter((item) => item.enabled)
    .map((item) =>
      itemCoverage(
        item,
        runTimes.get(item.id)!,
        now,
        tickTimes[0] ?? end,
        end,
        coverageWindowHours,
      ),
    );
  const verdict = judge({
    coverage,
    coverageWindowHours,
    days,
    ticks: ticks.length,
    required,
    budgetShort,
    windowUnmeetable,
    tenantLimited,
  });
  return { ticks, items: coverage, verdict };
}

function itemCoverage(
  item: ForecastItem,
  runs: readonly number[],
  now: number,
  firstTick: number,
  end: number,
  coverageWindowHours: number,
): ItemCoverage {
  const windowMs = coverageWindowHours * MS_PER_HOUR;
  const overdueNow = item.lastRunAt !== null && now - item.lastRunAt > windowMs;
  // Nothing can run before the first tick: a new or overdue item is judged from there.
  const start = item.lastRunAt === null || overdueNow ? firstTick : item.lastRunAt;
  const times = [start, ...runs, end];
  let worst = 0;
  for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i]! - times[i - 1]!);
  const worstGapHours = worst / MS_PER_HOUR;
  return {
    itemId: item.id,
    runs: runs.length,
    worstGapHours,
    worstStalenessRatio: worstGapHours / coverageWindowHours,
    overdueNow,
  };
}

interface Findings {
  readonly coverage: readonly ItemCoverage[];
  readonly coverageWindowHours: number;
  readonly days: number;
  readonly ticks: number;
  readonly required: number;
  readonly budgetShort: boolean;
  readonly windowUnmeetable: boolean;
  readonly tenantLimited: boolean;
}

function judge(f: Findings): ForecastVerdict {
  const hours = f.coverageWindowHours;
  const window = formatDuration(hours, hours);
  if (f.coverage.length === 0) return { met: true, text: 'no enabled items to cover' };
  if (f.ticks === 0) {
    return { met: false, text: `the schedule does not fire in the next ${plural(f.days, 'day')}` };
  }
  if (f.windowUnmeetable) {
    return {
      met: false,
      text: `the ${formatWindow(hours)} window is shorter than the gap between fire times: it cannot be met even running every item at every tick`,
    };
  }
  const worstHours = Math.max(...f.coverage.map((c) => c.worstGapHours));
  const overdue = f.coverage.filter((c) => c.overdueNow).length;
  const backlog =
    overdue === 0 ? '' : ` (${overdue === 1 ? '1 item is' : `${overdue} items are`} overdue now)`;
  if (f.coverage.every((c) => c.worstStalenessRatio <= 1)) {
    return {
      met: true,
      text: `every item covered every ${formatDuration(worstHours, hours)}; window ${window}: met${backlog}`,
    };
  }
  if (f.budgetShort) {
    return {
      met: false,
      text: `needs ${f.required} runs per tick to meet the ${formatWindow(hours)} window`,
      requiredPerTick: f.required,
    };
  }
  const never = f.coverage.filter((c) => c.runs === 0 && c.worstStalenessRatio > 1).length;
  const cause = f.tenantLimited ? " (the tenant's daily agent budget is the limit)" : '';
  if (never > 0) {
    const subject = never === 1 ? '1 item never runs' : `${never} items never run`;
    return {
      met: false,
      text: `${subject} in the next ${plural(f.days, 'day')}; window ${window}: not met${cause}`,
    };
  }
  const worst = formatDuration(worstHours, hours, Math.ceil);
  return {
    met: false,
    text: `every item covered every ${worst}; window ${window}: not met${cause}`,
  };
}

/** One decimal, trimmed: 5 → "5", 4.84 → "4.8". */
const decimal = (value: number, round: (x: number) => number = Math.round): string =>
  String(round(value * 10) / 10);

const plural = (value: number, unit: string, round?: (x: number) => number): string => {
  const text = decimal(value, round);
  return `${text} ${text === '1' ? unit : `${unit}s`}`;
};

/** Days when the window is 48 h or more, else hours; the unit follows the window. */
function formatDuration(hours: number, windowHours: number, round?: (x: number) => number) {
  return windowHours >= 48 ? plural(hours / 24, 'day', round) : `${decimal(hours, round)} h`;
}

/** The window as SPEC section 3 words it: "the 120 h window". */
const formatWindow = (hours: number): string => `${decimal(hours)} h`;
