// One pass of the scheduler: every due schedule's fire times up to `now` are ticked or recorded
// as missed (SPEC section 3), then the schedule moves to its next fire time. A thin shell: the
// decisions (catch-up, the tick plan, fire times) are the core's. A pass claims a batch of due
// schedules, reads their tick inputs in a few queries, plans every tick in memory and writes the
// whole batch (ticks, runs, advances) in one transaction: 10,000 schedules due at one instant
// cost twenty round trips of statements, not 10,000 transactions. Unique indexes make a repeated
// write (a crash, another replica) write nothing twice; a schedule moves only from the fire time
// this pass read, and one that another pass moved first is taken up again from there.
import type { Cadence } from '../core/cadence.ts';
import type { FiringSchedule, PlannedTick } from '../core/firing-records.ts';
import type { CompiledCadence } from '../core/next-fire-times.ts';
import { tenantDay, tenantLeft } from '../core/tenant-day.ts';
import type { TickTrigger } from '../core/tick-outcome.ts';
import { summariseTick, type TickSummary } from './tick-summary.ts';
import { FireTimesCache, OwnerGrants, TenantBudgets } from './batch-inputs.ts';
import { buildTick } from './build-tick.ts';
import { decideFiring, jitteredDispatch, type Compiled, type Firing } from './firing-decision.ts';
import type { FiringStore, TickTransaction } from './scheduler-store.ts';

export interface SchedulerDeps {
  readonly store: FiringStore;
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
/**
 * Due schedules per batch: a burst of up to 10,000 in one transaction. A firing's index entries
 * land on leaf pages all over the indexes and each commit writes every page it touched, so four
 * commits of 2,500 wrote most pages four times; and on PostgreSQL, workers woken by the first
 * batch's runs slowed the batches after it. PostgreSQL replicas share larger bursts, and bursts of
 * different tenants; batches of one tenant go one after another, holding its budget (ADR 20).
 */
const DEFAULT_BATCH_SIZE = 10_000;
const DEFAULT_MAX_BATCHES = 40;
/** Retries of a schedule that another pass keeps moving under this one. */
const MAX_RETAKES = 3;

export interface PassReport {
  readonly ticks: number;
  readonly missed: number;
  /** How late each on-time tick written in this pass was, in ms (catch-up ticks excluded). */
  readonly latenessMs: readonly number[];
  /** Every tick this pass wrote, as a log line tells it. */
  readonly written: readonly TickSummary[];
}

interface BatchReport {
  readonly ticks: number;
  readonly missed: number;
  /** Fire times of the on-time ticks written: how late they landed is known once committed. */
  readonly onTime: readonly number[];
  readonly written: readonly TickSummary[];
  /** Schedules moved on; the others were moved by another pass first, or failed. */
  readonly advanced: ReadonlySet<string>;
  /** Schedules that could not be planned (reported through `onScheduleError`). */
  readonly failed: ReadonlySet<string>;
}

export async function runSchedulerPass(deps: SchedulerDeps, now: number): Promise<PassReport> {
  const total = { ticks: 0, missed: 0, latenessMs: [] as number[], written: [] as TickSummary[] };
  /** Adds a committed batch; its on-time ticks landed now, as late as the clock says. */
  const add = (report: BatchReport) => {
    const landedAt = deps.clock?.() ?? now;
    total.ticks += report.ticks;
    total.missed += report.missed;
    for (const fireTime of report.onTime) total.latenessMs.push(landedAt - fireTime);
    total.written.push(...report.written);
  };
  const holder = deps.holder ?? 'scheduler';
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const failed = new Set<string>();
  for (let batch = 0; batch < (deps.maxBatches ?? DEFAULT_MAX_BATCHES); batch++) {
    let taken: readonly FiringSchedule[] = [];
    let leftOver: readonly FiringSchedule[];
    try {
      const fired = await takeAndFire(deps, now, batchSize, failed, (due) => (taken = due));
      if (fired === undefined) break;
      add(fired);
      for (const id of fired.failed) {
        failed.add(id);
        await deps.store.releaseScheduleClaim(id, holder).catch(() => undefined);
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
 * Takes a batch of due schedules and fires it, in the way the database takes them (SQLite's one
 * scheduler in one transaction; PostgreSQL's replicas by claims, then holding the budgets).
 */
function takeAndFire(
  deps: SchedulerDeps,
  now: number,
  batchSize: number,
  skip: ReadonlySet<string>,
  onTaken: (due: readonly FiringSchedule[]) => void,
): Promise<BatchReport | undefined> {
  const request = {
    now,
    holder: deps.holder ?? 'scheduler',
    ttlMs: deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
    limit: batchSize,
    skip,
  };
  return deps.store.fireDue(request, onTaken, (due, trx) => fireBatch(deps, trx, due, now));
}

/**
 * Plans and writes `schedules` in one transaction that first holds their tenants' budgets: the
 * spend each tick is planned against counts every run another replica committed before it.
 */
function fireHoldingBudgets(
  deps: SchedulerDeps,
  schedules: readonly FiringSchedule[],
  now: number,
  options: { readonly rethrow?: boolean } = {},
): Promise<BatchReport> {
  return deps.store.write(async (trx) => {
    await trx.holdBudgets(schedules.map((s) => s.tenant_id));
    return fireBatch(deps, trx, schedules, now, options);
  });
}

/**
 * One schedule on its own: after another pass moved it (a second replica), take it up again from
 * where that one left off, so no fire time is left without a tick or a record.
 */
async function retake(
  deps: SchedulerDeps,
  schedule: FiringSchedule,
  now: number,
  holder: string,
  add: (report: BatchReport) => void,
): Promise<boolean> {
  try {
    let current = await deps.store.reloadDue(schedule.id, now);
    for (let attempt = 0; current !== undefined && attempt < MAX_RETAKES; attempt++) {
      const report = await fireHoldingBudgets(deps, [current], now, { rethrow: true });
      add(report);
      current = report.advanced.has(schedule.id)
        ? undefined
        : await deps.store.reloadDue(schedule.id, now);
    }
    // An advanced schedule dropped its claim; one left due is given back for the next pass.
    if (current !== undefined) await deps.store.releaseScheduleClaim(schedule.id, holder);
    return true;
  } catch (error) {
    deps.onScheduleError?.(schedule.id, error);
    await deps.store.releaseScheduleClaim(schedule.id, holder).catch(() => undefined);
    return false;
  }
}

async function fireBatch(
  deps: SchedulerDeps,
  trx: TickTransaction,
  schedules: readonly FiringSchedule[],
  now: number,
  options: { readonly rethrow?: boolean } = {},
): Promise<BatchReport> {
  const contexts = await trx.loadTickContexts(schedules, now);
  const firings: Firing[] = [];
  const failed = new Set<string>();
  const compiledCache = new Map<Cadence, Compiled>();
  for (const schedule of schedules) {
    const context = contexts.get(schedule.id);
    if (context === undefined) continue;
    try {
      firings.push(decideFiring(deps.newId, context, now, compiledCache));
    } catch (error) {
      // A schedule whose stored cadence cannot be read must not hold up the batch.
      if (options.rethrow === true) throw error;
      failed.add(schedule.id);
      deps.onScheduleError?.(schedule.id, error);
    }
  }
  const budgets = await TenantBudgets.load(
    trx,
    firings.flatMap((f) => f.toTick.map(({ at }) => ({ tenant: f.context.tenant, at }))),
  );
  const fireTimes = new FireTimesCache();
  const owners = await OwnerGrants.load(
    trx,
    firings.map((f) => f.context.schedule),
    now,
  );
  const ticks: PlannedTick[] = [];
  for (const firing of firings) {
    let items = firing.context.items;
    for (const { at, trigger } of firing.toTick) {
      await deps.pausePoints?.beforeTickWrite?.(firing.context.schedule.id, at);
      const built = buildTick(deps.newId, firing.context, items, {
        fireTime: at,
        trigger,
        now,
        dispatchAt: trigger === 'schedule' ? jitteredDispatch(firing, at) : null,
        fireTimes: fireTimes.around(firing.compiled, firing.context.schedule, at),
        tenantLeft: budgets.left(firing.context.tenant, at),
        owner: owners.owner(firing.context.schedule, now),
      });
      budgets.spend(firing.context.tenant, at, built.plan.agentsSpawned);
      ticks.push(built.write);
      items = built.items;
    }
  }
  const advances = firings.map((f) => f.advance);
  const beforeAdvance = deps.pausePoints?.beforeAdvance;
  const result = await trx.writeTickBatch(
    { ticks, advances },
    beforeAdvance === undefined
      ? undefined
      : async () => {
          for (const advance of advances) await beforeAdvance(advance.scheduleId);
        },
  );
  const onTime: number[] = [];
  const written: TickSummary[] = [];
  for (const planned of ticks) {
    if (!result.written.has(planned.tick.id)) continue;
    written.push(summariseTick(planned));
    if (planned.tick.trigger === 'schedule') onTime.push(planned.tick.fire_time);
  }
  const missed = advances
    .filter((a) => result.advanced.has(a.scheduleId))
    .reduce((sum, a) => sum + a.missed.reduce((n, m) => n + m.count, 0), 0);
  return { ticks: written.length, missed, onTime, written, advanced: result.advanced, failed };
}

/**
 * Plans and writes one tick now: the path of a manual trigger. In one transaction holding the
 * tenant's budget, as a scheduled batch does, so that it plans against every committed run.
 */
export async function tickOnce(
  deps: SchedulerDeps,
  scheduleId: string,
  compiled: CompiledCadence,
  fireTime: number,
  trigger: TickTrigger,
  now: number,
): Promise<{ readonly tickId: string | null; readonly summary: TickSummary | null }> {
  return deps.store.write(async (trx) => {
    const context = await trx.loadTickContext(scheduleId, now);
    if (context === undefined) return { tickId: null, summary: null };
    const { schedule, tenant } = context;
    await trx.holdBudgets([tenant.id]);
    const spent = await trx.agentsSpentSince(tenant.id, tenantDay(tenant.timezone, fireTime).start);
    const owners = await OwnerGrants.load(trx, [schedule], now);
    const { write } = buildTick(deps.newId, context, context.items, {
      fireTime,
      trigger,
      now,
      dispatchAt: null,
      fireTimes: new FireTimesCache().around(compiled, schedule, fireTime),
      tenantLeft: tenantLeft(tenant.daily_agent_budget, spent),
      owner: owners.owner(schedule, now),
    });
    const { written, tickId } = await trx.writeTick(write);
    return { tickId, summary: written ? summariseTick(write) : null };
  });
}
