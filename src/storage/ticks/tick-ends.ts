// Ending ticks (SPEC section 3 step 7): runs still queued at their tick's deadline fail with
// `tick_deadline`; a tick whose runs have all ended gets its outcome, and its schedule's failure
// streak moves on (pausing it when `pause_after_failures` says so) and its digest is queued.
import { systemActor } from '../../core/audit-actions.ts';
import { appendAudit } from '../audit-log-store.ts';
import { LIVE_RUN_STATUSES, movingFrom, TERMINAL_RUN_STATUSES } from '../../core/run-state.ts';
import type { Database } from '../database.ts';
import { queueTickDigest } from '../digests/delivery-queue.ts';
import type { RunTable, TickTable } from '../schema.ts';

/** Fails queued runs whose tick's deadline has passed; returns how many. */
export async function failRunsPastDeadline(database: Database, now: number): Promise<number> {
  const result = await database.db
    .updateTable('runs')
    .set((eb) => ({
      status: 'failed',
      // A first attempt that never started spawned no agent; a re-queued one already did.
      agents_spawned: eb
        .case()
        .when('attempt', '=', 1)
        .then(0)
        .else(eb.ref('agents_spawned'))
        .end(),
      error_code: 'tick_deadline',
      error_message: 'The run was still queued when its tick’s deadline passed.',
      finished_at: now,
      updated_at: now,
    }))
    .where('status', '=', movingFrom('queued', 'failed'))
    .where('tick_id', 'in', (eb) =>
      eb
        .selectFrom('ticks')
        .select('id')
        .where('outcome', 'is', null)
        // Implied (a tick's digest is considered once it has an outcome), and it lets the
        // partial index `ticks_digest_undecided` answer instead of every tick kept being read.
        .where('digest_considered_at', 'is', null)
        .where('deadline_at', '<', now),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface OpenTick {
  readonly id: string;
  readonly scheduleId: string;
  readonly statuses: readonly RunTable['status'][];
}

/** Ticks without an outcome whose runs have all ended, with their runs' statuses. */
export async function openTicks(database: Database, limit: number): Promise<OpenTick[]> {
  const ticks = await database.db
    .selectFrom('ticks')
    .select(['id', 'schedule_id'])
    .where('outcome', 'is', null)
    // Implied, as above: the partial index `ticks_digest_undecided` answers.
    .where('digest_considered_at', 'is', null)
    // Ticks still waiting on runs are not read at all, so they never crowd out ended ones.
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('runs')
            .select('runs.id')
            .whereRef('runs.tick_id', '=', 'ticks.id')
            .where('runs.status', 'in', [...LIVE_RUN_STATUSES]),
        ),
      ),
    )
    .orderBy('created_at')
    .limit(limit)
    .execute();
  if (ticks.length === 0) return [];
  const runs = await database.db
    .selectFrom('runs')
    .select(['tick_id', 'status'])
    .where(
      'tick_id',
      'in',
      ticks.map((t) => t.id),
    )
    .execute();
  return ticks.map((tick) => ({
    id: tick.id,
    scheduleId: tick.schedule_id,
    statuses: runs.filter((run) => run.tick_id === tick.id).map((run) => run.status),
  }));
}

/** The schedule's `pause_after_failures`; null when unset or the schedule is gone. */
export async function pauseAfterFailures(
  database: Database,
  scheduleId: string,
): Promise<number | null> {
  const schedule = await database.db
    .selectFrom('schedules')
    .select('pause_after_failures')
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  return schedule?.pause_after_failures ?? null;
}

export interface TickEnd {
  readonly tickId: string;
  readonly scheduleId: string;
  readonly outcome: NonNullable<TickTable['outcome']>;
  readonly now: number;
  /** Computes the schedule's new streak from its current one (core/failure-streak.ts). */
  readonly streak: (consecutiveFailures: number) => {
    consecutiveFailures: number;
    pauseNote: string | null;
  };
}

/**
 * Sets a tick's outcome once and, in the same transaction, moves its schedule's failure streak
 * and queues its digest when the schedule's digest_config asks for one (SPEC section 8).
 */
export async function endTick(database: Database, end: TickEnd): Promise<boolean> {
  return database.write(async (trx) => {
    const ended = await trx
      .updateTable('ticks')
      .set({ outcome: end.outcome, ended_at: end.now, digest_considered_at: end.now })
      .where('id', '=', end.tickId)
      .where('outcome', 'is', null)
      .executeTakeFirst();
    if (ended.numUpdatedRows === 0n) return false;
    const schedule = await trx
      .selectFrom('schedules')
      .select(['consecutive_failures', 'tenant_id'])
      .where('id', '=', end.scheduleId)
      .executeTakeFirst();
    if (schedule === undefined) return true;
    const { consecutiveFailures, pauseNote } = end.streak(schedule.consecutive_failures);
    await trx
      .updateTable('schedules')
      .set((eb) => ({
        consecutive_failures: consecutiveFailures,
        // A paused schedule has no fire times; resuming computes the next one afresh. Pausing
        // changes what a client edits, so it is a new revision too (ADR 45).
        ...(pauseNote === null
          ? {}
          : {
              enabled: 0 as const,
              pause_note: pauseNote,
              next_fire_at: null,
              revision: eb('revision', '+', 1),
              updated_at: end.now,
            }),
      }))
      .where('id', '=', end.scheduleId)
      .execute();
    if (pauseNote !== null)
      await appendAudit(
        trx,
        {
          actor: systemActor(schedule.tenant_id),
          action: 'schedule.pause',
          target: { kind: 'schedule', id: end.scheduleId },
          outcome: 'success',
          detail: { note: pauseNote },
        },
        end.now,
      );
    await queueTickDigest(trx, {
      tickId: end.tickId,
      scheduleId: end.scheduleId,
      now: end.now,
      notice: pauseNote,
    });
    return true;
  });
}

export interface Pruned {
  readonly runs: number;
  readonly ticks: number;
  readonly missed: number;
}

/**
 * Deletes ended runs and ticks, and missed records, older than `before`, at most `batch` rows
 * of each per call, so that pruning never holds a long transaction (SPEC section 4 "Retention").
 */
export async function pruneHistory(
  database: Database,
  before: number,
  batch: number,
): Promise<Pruned> {
  const { db } = database;
  const runs = await db
    .deleteFrom('runs')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('runs')
        .select('id')
        .where('created_at', '<', before)
        .where('status', 'in', [...TERMINAL_RUN_STATUSES])
        .limit(batch),
    )
    .executeTakeFirst();
  const ticks = await db
    .deleteFrom('ticks')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('ticks')
        .select('id')
        .where('created_at', '<', before)
        .where('outcome', 'is not', null)
        .limit(batch),
    )
    .executeTakeFirst();
  const missed = await db
    .deleteFrom('missed_fire_times')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('missed_fire_times')
        .select('id')
        .where('recorded_at', '<', before)
        .limit(batch),
    )
    .executeTakeFirst();
  return {
    runs: Number(runs.numDeletedRows),
    ticks: Number(ticks.numDeletedRows),
    missed: Number(missed.numDeletedRows),
  };
}
