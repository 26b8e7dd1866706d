// One pass of the scheduler: every due schedule's fire times up to `now` are ticked or recorded
// as missed (SPEC section 3), then the schedule moves to its next fire time. A thin shell: the
// decisions (catch-up, the tick plan, fire times) are the core's. A pass claims a batch of due
// schedules, reads their tick inputs in a few queries, plans every tick in memory and writes the
// whole batch (ticks, runs, advances) in one transaction: 10,000 schedules due at one instant
// cost twenty round trips of statements, not 10,000 transactions. Unique indexes make a repeated
// write (a crash, another replica) write nothing twice; a schedule moves only from the fire time
// this pass read, and one that another pass moved first is taken up again from there.
import type { Cadence } from '../core/cadence.ts';
import { decideCatchUp, type CatchUpPolicy, type MissedRange } from '../core/catch-up.ts';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from '../core/civil-date.ts';
import { ERROR_CODES } from '../core/error-codes.ts';
import { jitterDelayMs } from '../core/jitter.ts';
import {
  compileCadence,
  fireTimesBetween,
  nextFireTime,
  type CompiledCadence,
} from '../core/next-fire-times.ts';
import type { OverlapPolicy } from '../core/overlap-policy.ts';
import { planTick, type TickOwner, type TickPlan } from '../core/plan-tick.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../core/run-state.ts';
import { tenantDay, tenantLeft } from '../core/tenant-day.ts';
import type { TickTrigger } from '../core/tick-outcome.ts';
import { withinTransaction, type Database } from '../storage/database.ts';
import {
  agentsSpentSince,
  claimDueSchedules,
  dueSchedules,
  loadTickContext,
  loadTickContexts,
  releaseScheduleClaim,
  reloadDue,
  type ItemState,
  type ScheduleAdvance,
  type StoredSchedule,
  type TickContext,
} from '../storage/schedule-store.ts';
import { writeTick, writeTickBatch, type TickWrite } from '../storage/tick-store.ts';

export interface SchedulerDeps {
  readonly database: Database;
  /** New unique ids for ticks, runs and records. */
  readonly newId: () => string;
  /** Read after each write, to report how late its ticks landed; default: the pass's `now`. */
  readonly clock?: () => number;
  /** Due schedules handled per batch (one transaction); the rest wait for the next batch. */
  readonly batchSize?: number;
  /** Batches per pass at most, so that a pass ends and the loop can close ticks in between. */
  readonly maxBatches?: number;
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
  /** Awaited after the schedules are claimed and planned, before their ticks are written. */
  readonly beforeTickWrite?: (scheduleId: string, fireTime: number) => Promise<void>;
  /** Awaited inside the write, after the ticks are written, before the schedules advance. */
  readonly beforeAdvance?: (scheduleId: string) => Promise<void>;
}

const DEFAULT_CLAIM_TTL_MS = 60_000;
const DEFAULT_BATCH_SIZE = 2_500;
const DEFAULT_MAX_BATCHES = 40;
/** Retries of a schedule that another pass keeps moving under this one. */
const MAX_RETAKES = 3;

export interface PassReport {
  readonly ticks: number;
  readonly missed: number;
  /** How late each on-time tick written in this pass was, in ms (catch-up ticks excluded). */
  readonly latenessMs: readonly number[];
}

interface BatchReport {
  readonly ticks: number;
  readonly missed: number;
  /** Fire times of the on-time ticks written: how late they landed is known once committed. */
  readonly onTime: readonly number[];
  /** Schedules moved on; the others were moved by another pass first, or failed. */
  readonly advanced: ReadonlySet<string>;
  /** Schedules that could not be planned (reported through `onScheduleError`). */
  readonly failed: ReadonlySet<string>;
}

const COVERAGE_LOOKAHEAD_MS = 28 * MS_PER_DAY;

export async function runSchedulerPass(deps: SchedulerDeps, now: number): Promise<PassReport> {
  const total = { ticks: 0, missed: 0, latenessMs: [] as number[] };
  /** Adds a committed batch; its on-time ticks landed now, as late as the clock says. */
  const add = (report: BatchReport) => {
    const landedAt = deps.clock?.() ?? now;
    total.ticks += report.ticks;
    total.missed += report.missed;
    for (const fireTime of report.onTime) total.latenessMs.push(landedAt - fireTime);
  };
  const holder = deps.holder ?? 'scheduler';
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const failed = new Set<string>();
  for (let batch = 0; batch < (deps.maxBatches ?? DEFAULT_MAX_BATCHES); batch++) {
    let taken: readonly StoredSchedule[] = [];
    let leftOver: readonly StoredSchedule[];
    try {
      const fired = await takeAndFire(deps, now, batchSize, failed, (due) => (taken = due));
      if (fired === undefined) break;
      add(fired);
      for (const id of fired.failed) {
        failed.add(id);
        await releaseScheduleClaim(deps.database, id, holder).catch(() => undefined);
      }
      leftOver = taken.filter((s) => !fired.advanced.has(s.id) && !fired.failed.has(s.id));
    } catch (error) {
      // Nothing could be taken (the database is away): the loop reports it and tries later.
      if (taken.length === 0) throw error;
      // The batch could not be written as one (a schedule's bad data, a lost connection): go
      // through its schedules one at a time, so one that cannot be processed holds up no other.
      leftOver = taken;
    }
    for (const schedule of leftOver) {
      if (!(await retake(deps, schedule, now, holder, add))) failed.add(schedule.id);
    }
    if (taken.length < batchSize) break;
  }
  return total;
}

/**
 * Takes a batch of due schedules and fires it. SQLite's one scheduler (it holds the file's lock,
 * ADR 12) needs no claims: it reads, plans and writes the batch in one transaction. On PostgreSQL
 * replicas claim the batch first, then plan it outside any transaction and write it in one.
 */
async function takeAndFire(
  deps: SchedulerDeps,
  now: number,
  batchSize: number,
  skip: ReadonlySet<string>,
  onTaken: (due: readonly StoredSchedule[]) => void,
): Promise<BatchReport | undefined> {
  const { database } = deps;
  if (database.dialect === 'sqlite') {
    return database.write(async (trx) => {
      const within = withinTransaction(database, trx);
      const due = await dueSchedules(within, now, batchSize, skip);
      onTaken(due);
      return due.length === 0 ? undefined : fireBatch({ ...deps, database: within }, due, now);
    });
  }
  const claimed = await claimDueSchedules(database, {
    now,
    holder: deps.holder ?? 'scheduler',
    ttlMs: deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
    limit: batchSize,
  });
  onTaken(claimed);
  return claimed.length === 0 ? undefined : fireBatch(deps, claimed, now);
}

/**
 * One schedule on its own: after another pass moved it (a second replica), take it up again from
 * where that one left off, so no fire time is left without a tick or a record.
 */
async function retake(
  deps: SchedulerDeps,
  schedule: StoredSchedule,
  now: number,
  holder: string,
  add: (report: BatchReport) => void,
): Promise<boolean> {
  try {
    let current = await reloadDue(deps.database, schedule.id, now);
    for (let attempt = 0; current !== undefined && attempt < MAX_RETAKES; attempt++) {
      const report = await fireBatch(deps, [current], now, { rethrow: true });
      add(report);
      current = report.advanced.has(schedule.id)
        ? undefined
        : await reloadDue(deps.database, schedule.id, now);
    }
    // An advanced schedule dropped its claim; one left due is given back for the next pass.
    if (current !== undefined) await releaseScheduleClaim(deps.database, schedule.id, holder);
    return true;
  } catch (error) {
    deps.onScheduleError?.(schedule.id, error);
    await releaseScheduleClaim(deps.database, schedule.id, holder).catch(() => undefined);
    return false;
  }
}

/** A stored cadence, parsed and compiled once per batch however many schedules share it. */
interface Compiled {
  readonly cadence: Cadence;
  readonly compiled: CompiledCadence;
}

/** What firing one schedule comes to, decided before anything is written. */
interface Firing {
  readonly context: TickContext;
  readonly cadence: Cadence;
  readonly compiled: CompiledCadence;
  readonly toTick: readonly { readonly at: number; readonly trigger: TickTrigger }[];
  readonly advance: ScheduleAdvance;
}

async function fireBatch(
  deps: SchedulerDeps,
  schedules: readonly StoredSchedule[],
  now: number,
  options: { readonly rethrow?: boolean } = {},
): Promise<BatchReport> {
  const contexts = await loadTickContexts(deps.database, schedules, now);
  const firings: Firing[] = [];
  const failed = new Set<string>();
  const compiledCache = new Map<string, Compiled>();
  for (const schedule of schedules) {
    const context = contexts.get(schedule.id);
    if (context === undefined) continue;
    try {
      firings.push(decideFiring(deps, context, now, compiledCache));
    } catch (error) {
      // A schedule whose stored cadence cannot be read must not hold up the batch.
      if (options.rethrow === true) throw error;
      failed.add(schedule.id);
      deps.onScheduleError?.(schedule.id, error);
    }
  }
  const budgets = await TenantBudgets.load(deps.database, firings);
  const fireTimes = new FireTimesCache();
  const ticks: TickWrite[] = [];
  for (const firing of firings) {
    let items = firing.context.items;
    for (const { at, trigger } of firing.toTick) {
      await deps.pausePoints?.beforeTickWrite?.(firing.context.schedule.id, at);
      const built = buildTick(deps, firing.context, items, {
        fireTime: at,
        trigger,
        now,
        dispatchAt: trigger === 'schedule' ? jitteredDispatch(firing, at) : null,
        fireTimes: fireTimes.around(firing.compiled, firing.context.schedule, at),
        tenantLeft: budgets.left(firing.context.tenant, at),
      });
      budgets.spend(firing.context.tenant, at, built.plan.agentsSpawned);
      ticks.push(built.write);
      items = built.items;
    }
  }
  const advances = firings.map((f) => f.advance);
  const beforeAdvance = deps.pausePoints?.beforeAdvance;
  const result = await writeTickBatch(
    deps.database,
    { ticks, advances },
    beforeAdvance === undefined
      ? undefined
      : async () => {
          for (const advance of advances) await beforeAdvance(advance.scheduleId);
        },
  );
  const onTime: number[] = [];
  let written = 0;
  for (const { tick } of ticks) {
    if (!result.written.has(tick.id)) continue;
    written++;
    if (tick.trigger === 'schedule') onTime.push(tick.fire_time);
  }
  const missed = advances
    .filter((a) => result.advanced.has(a.scheduleId))
    .reduce((sum, a) => sum + a.missed.reduce((n, m) => n + m.count, 0), 0);
  return { ticks: written, missed, onTime, advanced: result.advanced, failed };
}

/** Which fire times up to `now` are ticked, which are missed, and where the schedule goes next. */
function decideFiring(
  deps: SchedulerDeps,
  context: TickContext,
  now: number,
  compiledCache: Map<string, Compiled>,
): Firing {
  const { schedule } = context;
  let cached = compiledCache.get(schedule.cadence);
  if (cached === undefined) {
    const cadence = JSON.parse(schedule.cadence) as Cadence;
    cached = { cadence, compiled: compileCadence(cadence) };
    compiledCache.set(schedule.cadence, cached);
  }
  const { cadence, compiled } = cached;
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
  const next = nextFireTime(compiled, Math.max(now, due[due.length - 1] ?? now))?.at ?? null;
  return {
    context,
    cadence,
    compiled,
    toTick,
    advance: {
      scheduleId: schedule.id,
      from: first,
      to: next,
      missed: decision.missed.map((range: MissedRange) => ({
        id: deps.newId(),
        tenant_id: schedule.tenant_id,
        schedule_id: schedule.id,
        from_time: range.from,
        to_time: range.to,
        count: range.count,
        reason: range.reason,
        recorded_at: now,
      })),
    },
  };
}

/** Plans and writes one tick now: the path of a manual trigger. */
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
  const { schedule, tenant } = context;
  const spent = await agentsSpentSince(
    deps.database,
    tenant.id,
    tenantDay(tenant.timezone, fireTime).start,
  );
  const { write } = buildTick(deps, context, context.items, {
    fireTime,
    trigger,
    now,
    dispatchAt: null,
    fireTimes: new FireTimesCache().around(compiled, schedule, fireTime),
    tenantLeft: tenantLeft(tenant.daily_agent_budget, spent),
  });
  return writeTick(deps.database, write);
}

interface TickInputs {
  readonly fireTime: number;
  readonly trigger: TickTrigger;
  readonly now: number;
  /** When the tick's runs may start: a jittered fire time; null for at once. */
  readonly dispatchAt: number | null;
  readonly fireTimes: readonly number[];
  readonly tenantLeft: number | null;
}

/** One tick's plan and rows, and the items as the next tick of the same pass will see them. */
function buildTick(
  deps: SchedulerDeps,
  context: TickContext,
  items: readonly ItemState[],
  inputs: TickInputs,
): { readonly write: TickWrite; readonly plan: TickPlan; readonly items: readonly ItemState[] } {
  const { schedule } = context;
  const { fireTime, trigger, now } = inputs;
  // Until user grants exist (the identity issue), a user-owned schedule has none.
  const owner: TickOwner =
    schedule.owner_kind === 'client' ? { kind: 'client' } : { kind: 'user', grant: 'none' };
  const plan = planTick({
    trigger,
    fireTime,
    coverageWindowHours: schedule.coverage_window_hours,
    dailyBudget: schedule.daily_budget,
    fireTimes: inputs.fireTimes,
    tenantLeft: inputs.tenantLeft,
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
  const byId = new Map(items.map((state) => [state.item.id, state]));
  const runs = plan.runs.map((run) => {
    const { item } = byId.get(run.itemId)!;
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
      dispatch_at: failed ? null : inputs.dispatchAt,
      created_at: now,
      updated_at: now,
    } as const;
  });
  // The runs just queued are the items' live runs for a later tick of the same pass.
  const queued = new Map(
    plan.runs.flatMap((run, i) => (run.status === 'queued' ? [[run.itemId, i] as const] : [])),
  );
  const after = items.map((state) => {
    const i = queued.get(state.item.id);
    if (i === undefined) return state;
    return {
      ...state,
      item: { ...state.item, last_run_at: fireTime },
      liveRunId: runs[i]!.id,
      waiting: state.waiting || plan.runs[i]!.afterRunId !== null,
    };
  });
  return {
    plan,
    items: after,
    write: {
      tick: {
        id: tickId,
        tenant_id: schedule.tenant_id,
        schedule_id: schedule.id,
        trigger,
        fire_time: fireTime,
        per_tick_budget: plan.perTick,
        tenant_left: inputs.tenantLeft,
        // A catch-up tick's runs get the whole deadline from now, not from their old fire time,
        // and a jittered tick's from when its runs may start.
        deadline_at:
          Math.max(inputs.dispatchAt ?? fireTime, now) +
          schedule.tick_deadline_minutes * MS_PER_MINUTE,
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
      runs,
      ranItemIds: [...queued.keys()],
      cancelRunIds: plan.runs.flatMap((run) => (run.cancelRunId === null ? [] : [run.cancelRunId])),
    },
  };
}

/**
 * An on-time tick's dispatch: its fire time plus the schedule's stable jitter (SPEC section 2),
 * kept below the gap to the next fire time; null when the cadence has no jitter.
 */
function jitteredDispatch(firing: Firing, at: number): number | null {
  const seconds = firing.cadence.jitter_seconds;
  if (!(seconds > 0)) return null;
  const next = nextFireTime(firing.compiled, at)?.at;
  return at + jitterDelayMs(firing.context.schedule.id, at, seconds, next);
}

/**
 * What each tenant may still spend on each of its budget days, read once per batch and then
 * kept current in memory as the batch's ticks are planned, so that ticks of one batch share the
 * tenant's budget as if they had been written one after another.
 */
class TenantBudgets {
  private readonly spent: Map<string, number>;

  private constructor(spent: Map<string, number>) {
    this.spent = spent;
  }

  static async load(database: Database, firings: readonly Firing[]): Promise<TenantBudgets> {
    const spent = new Map<string, number>();
    for (const { context, toTick } of firings) {
      for (const { at } of toTick) {
        const start = tenantDay(context.tenant.timezone, at).start;
        const key = `${context.tenant.id}/${start}`;
        if (!spent.has(key))
          spent.set(key, await agentsSpentSince(database, context.tenant.id, start));
      }
    }
    return new TenantBudgets(spent);
  }

  left(tenant: TickContext['tenant'], at: number): number | null {
    return tenantLeft(tenant.daily_agent_budget, this.spent.get(this.key(tenant, at)) ?? 0);
  }

  spend(tenant: TickContext['tenant'], at: number, agents: number): void {
    const key = this.key(tenant, at);
    this.spent.set(key, (this.spent.get(key) ?? 0) + agents);
  }

  private key(tenant: TickContext['tenant'], at: number): string {
    return `${tenant.id}/${tenantDay(tenant.timezone, at).start}`;
  }
}

/**
 * The fire times around a tick that the auto budget's K is counted over (one window back, 28
 * days and a window ahead), shared by the schedules of a batch with the same cadence and window.
 */
class FireTimesCache {
  private readonly cache = new Map<string, readonly number[]>();

  around(compiled: CompiledCadence, schedule: StoredSchedule, at: number): readonly number[] {
    const windowMs = schedule.coverage_window_hours * MS_PER_HOUR;
    const key = `${at}/${windowMs}/${schedule.cadence}`;
    let times = this.cache.get(key);
    if (times === undefined) {
      times = fireTimesBetween(compiled, at - windowMs - 1, at + COVERAGE_LOOKAHEAD_MS + windowMs);
      this.cache.set(key, times);
    }
    return times;
  }
}
