// One pass of the scheduler: every due schedule's fire times up to `now` are ticked or recorded
// as missed (SPEC section 3), then the schedule moves to its next fire time. A thin shell: the
// decisions (catch-up, the tick plan, fire times) are the core's. Ticks are written before the
// schedule moves on, and it moves only from the value this pass read: a pass repeated after a
// crash writes nothing twice (unique indexes), and one that lost a race to another pass takes
// the schedule up again from where that one left off.
import type { Cadence } from '../core/cadence.ts';
import { decideCatchUp, type CatchUpPolicy } from '../core/catch-up.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/civil-date.ts';
import { ERROR_CODES } from '../core/error-codes.ts';
import {
  compileCadence,
  fireTimesBetween,
  nextFireTime,
  type CompiledCadence,
} from '../core/next-fire-times.ts';
import type { OverlapPolicy } from '../core/overlap-policy.ts';
import { planTick, type TickOwner } from '../core/plan-tick.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../core/run-state.ts';
import { tenantDay, tenantLeft } from '../core/tenant-day.ts';
import type { TickTrigger } from '../core/tick-outcome.ts';
import type { Database } from '../storage/database.ts';
import {
  agentsSpentSince,
  claimDueSchedules,
  releaseScheduleClaim,
  reloadDue,
  loadTickContext,
  recordMissed,
  type StoredSchedule,
} from '../storage/schedule-store.ts';
import { writeTick } from '../storage/tick-store.ts';

export interface SchedulerDeps {
  readonly database: Database;
  /** New unique ids for ticks, runs and records. */
  readonly newId: () => string;
  /** Due schedules handled per pass; the rest wait for the next one. */
  readonly batchSize?: number;
  /** A schedule that could not be processed this pass (it stays due and is retried). */
  readonly onScheduleError?: (scheduleId: string, error: unknown) => void;
  /** This scheduler, as named in its schedule claims. */
  readonly holder?: string;
  /** How long a claim keeps other schedulers off a schedule if this one dies mid-way. */
  readonly claimTtlMs?: number;
  /** Fault tests stop the process at these points; nothing else sets them. */
  readonly pausePoints?: PausePoints;
}

export interface PausePoints {
  /** Awaited after the schedule is claimed, before its tick is written. */
  readonly beforeTickWrite?: (scheduleId: string, fireTime: number) => Promise<void>;
  /** Awaited after its ticks are written, before the schedule advances. */
  readonly beforeAdvance?: (scheduleId: string) => Promise<void>;
}

const DEFAULT_CLAIM_TTL_MS = 60_000;

export interface PassReport {
  readonly ticks: number;
  readonly missed: number;
  /** How late each on-time tick written in this pass was, in ms (catch-up ticks excluded). */
  readonly latenessMs: readonly number[];
}

interface ScheduleReport extends PassReport {
  /** False when another pass had already moved the schedule on. */
  readonly advanced: boolean;
}

const COVERAGE_LOOKAHEAD_MS = 28 * MS_PER_DAY;

export async function runSchedulerPass(deps: SchedulerDeps, now: number): Promise<PassReport> {
  let ticks = 0;
  let missed = 0;
  const latenessMs: number[] = [];
  const holder = deps.holder ?? 'scheduler';
  const claimed = await claimDueSchedules(deps.database, {
    now,
    holder,
    ttlMs: deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
    limit: deps.batchSize ?? 100,
  });
  for (const schedule of claimed) {
    try {
      // Another pass may move the schedule first (a second replica); then take it up again
      // from where that one left off, so no fire time is left without a tick or a record.
      let current: StoredSchedule | undefined = schedule;
      for (let attempt = 0; current !== undefined && attempt < 3; attempt++) {
        const report = await processSchedule(deps, current, now);
        ticks += report.ticks;
        missed += report.missed;
        latenessMs.push(...report.latenessMs);
        current = report.advanced ? undefined : await reloadDue(deps.database, schedule.id, now);
      }
      // Advanced schedules dropped the claim; one left due is given back for the next pass.
      if (current !== undefined) await releaseScheduleClaim(deps.database, schedule.id, holder);
    } catch (error) {
      // One schedule that cannot be processed must not hold up the others.
      deps.onScheduleError?.(schedule.id, error);
      await releaseScheduleClaim(deps.database, schedule.id, holder).catch(() => undefined);
    }
  }
  return { ticks, missed, latenessMs };
}

async function processSchedule(
  deps: SchedulerDeps,
  schedule: StoredSchedule,
  now: number,
): Promise<ScheduleReport> {
  const compiled = compileCadence(JSON.parse(schedule.cadence) as Cadence);
  const first = schedule.next_fire_at as number;
  const due = [first, ...fireTimesBetween(compiled, first, now)];
  const decision = decideCatchUp({
    now,
    dueFireTimes: due,
    policy: schedule.catchup_policy as CatchUpPolicy,
    windowHours: schedule.catchup_window_hours,
    reason: 'downtime',
  });
  const toTick = [
    ...decision.catchUp.map((at) => ({ at, trigger: 'catchup' as const })),
    ...decision.onTime.map((at) => ({ at, trigger: 'schedule' as const })),
  ].sort((a, b) => a.at - b.at);
  // Ticks first, the next fire time last: a crash in between leaves the same fire times due,
  // and the unique indexes make the repeat write nothing twice.
  let ticks = 0;
  const latenessMs: number[] = [];
  for (const { at, trigger } of toTick) {
    await deps.pausePoints?.beforeTickWrite?.(schedule.id, at);
    if (!(await tickOnce(deps, schedule.id, compiled, at, trigger, now)).written) continue;
    ticks++;
    if (trigger === 'schedule') latenessMs.push(now - at);
  }
  const next = nextFireTime(compiled, Math.max(now, due[due.length - 1] ?? now))?.at ?? null;
  await deps.pausePoints?.beforeAdvance?.(schedule.id);
  const advanced = await recordMissed(
    deps.database,
    schedule.id,
    decision.missed.map((range) => ({
      id: deps.newId(),
      tenant_id: schedule.tenant_id,
      schedule_id: schedule.id,
      from_time: range.from,
      to_time: range.to,
      count: range.count,
      reason: range.reason,
      recorded_at: now,
    })),
    { from: first, to: next },
  );
  const missed = advanced ? decision.missed.reduce((sum, range) => sum + range.count, 0) : 0;
  return { ticks, missed, latenessMs, advanced };
}

/** Plans and writes one tick; also the path of a manual trigger. */
export async function tickOnce(
  deps: SchedulerDeps,
  scheduleId: string,
  compiled: CompiledCadence,
  fireTime: number,
  trigger: TickTrigger,
  now: number,
): Promise<{ readonly written: boolean; readonly tickId: string | null }> {
  const context = await loadTickContext(deps.database, scheduleId, now);
  if (context === undefined) return { written: false, tickId: null };
  const { schedule, tenant, items } = context;
  const windowMs = schedule.coverage_window_hours * MS_PER_HOUR;
  const day = tenantDay(tenant.timezone, fireTime);
  const spent = await agentsSpentSince(deps.database, tenant.id, day.start);
  const left = tenantLeft(tenant.daily_agent_budget, spent);
  // Until user grants exist (the identity issue), a user-owned schedule has none.
  const owner: TickOwner =
    schedule.owner_kind === 'client' ? { kind: 'client' } : { kind: 'user', grant: 'none' };
  const plan = planTick({
    trigger,
    fireTime,
    coverageWindowHours: schedule.coverage_window_hours,
    dailyBudget: schedule.daily_budget,
    // Fire times from one window back to 28 days and a window ahead: the auto budget's K.
    fireTimes: fireTimesBetween(
      compiled,
      fireTime - windowMs - 1,
      fireTime + COVERAGE_LOOKAHEAD_MS + windowMs,
    ),
    tenantLeft: left,
    overlapPolicy: schedule.overlap_policy as OverlapPolicy,
    owner,
    items: items.map((state) => ({
      id: state.item.id,
      priority: state.item.priority,
      lastRunAt: state.item.last_run_at,
      createdAt: state.item.created_at,
      agentCost: state.agentCost,
      enabled: state.item.enabled === 1,
      targetErrors: state.targetErrors,
      liveRunId: state.liveRunId,
      previous: { live: state.liveRunId !== null, waiting: state.waiting },
    })),
  });
  const tickId = deps.newId();
  const byId = new Map(items.map((state) => [state.item.id, state.item]));
  const result = await writeTick(deps.database, {
    tick: {
      id: tickId,
      tenant_id: schedule.tenant_id,
      schedule_id: schedule.id,
      trigger,
      fire_time: fireTime,
      per_tick_budget: plan.perTick,
      tenant_left: left,
      // A catch-up tick's runs get the whole deadline from now, not from their old fire time.
      deadline_at: Math.max(fireTime, now) + schedule.tick_deadline_minutes * MS_PER_MINUTE,
      outcome: plan.runs.length === 0 ? 'skipped' : null,
      ended_at: plan.runs.length === 0 ? now : null,
      created_at: now,
    },
    items: plan.entries.map((entry) => ({
      tick_id: tickId,
      item_id: entry.itemId,
      rank: entry.rank,
      score: entry.score,
      outcome: entry.outcome,
      reason: entry.reason,
      errors: entry.errors === null ? null : JSON.stringify(entry.errors),
    })),
    runs: plan.runs.map((run) => {
      const item = byId.get(run.itemId)!;
      const failed = run.status === 'failed';
      return {
        id: deps.newId(),
        tenant_id: schedule.tenant_id,
        project_id: schedule.project_id,
        target_kind: item.target_kind,
        target_id: item.target_id,
        trigger,
        triggered_by: null,
        tick_id: tickId,
        schedule_id: schedule.id,
        item_id: item.id,
        parameters: item.parameters,
        status: run.status,
        scheduled_for: fireTime,
        queued_at: now,
        started_at: null,
        finished_at: failed ? now : null,
        attempt: 1,
        max_attempts: DEFAULT_MAX_ATTEMPTS,
        agents_spawned: run.agentCost,
        usage: null,
        error_code: run.errorCode,
        error_message: run.errorCode === null ? null : ERROR_CODES[run.errorCode].summary,
        error_step: null,
        lease_owner: null,
        lease_until: null,
        fence: 0,
        after_run_id: run.afterRunId,
        created_at: now,
        updated_at: now,
      };
    }),
    ranItemIds: plan.runs.filter((run) => run.status === 'queued').map((run) => run.itemId),
    cancelRunIds: plan.runs.flatMap((run) => (run.cancelRunId === null ? [] : [run.cancelRunId])),
  });
  return { written: result.written, tickId: result.tickId };
}
