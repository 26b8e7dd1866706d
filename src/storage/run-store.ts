// Runs as a work queue (SPEC section 4): workers claim queued runs with a lease and a fencing
// token, keep the lease alive with heartbeats, and finish runs only while their token is the
// current one. A run whose lease expired goes back to the queue (attempt + 1) or, with no
// attempt left, fails with `lease_lost`.
import type { Kysely, Selectable } from 'kysely';
import { LIVE_RUN_STATUSES, movingFrom } from '../core/run-state.ts';
import type { ClaimRequest, ExpiredLeases, LeaseHolder, RunFinish } from '../core/work-records.ts';
import type { Database } from './database.ts';
import { moveRun } from './run-moves.ts';
import type { RunTable, Schema } from './schema.ts';

export type StoredRun = Selectable<RunTable>;

/**
 * Claims up to `limit` queued runs, oldest first; a buffered run waits until its predecessor
 * ended, and a jittered one until its dispatch time.
 */
export async function claimRuns(database: Database, request: ClaimRequest): Promise<StoredRun[]> {
  const { workerId, now, leaseMs, limit } = request;
  const claimed = await database.write(async (trx) => {
    const due = await database
      .claimable(
        trx
          .selectFrom('runs')
          .select('runs.id')
          .where('runs.status', '=', movingFrom('queued', 'running'))
          .where((eb) =>
            eb.or([eb('runs.dispatch_at', 'is', null), eb('runs.dispatch_at', '<=', now)]),
          )
          .where((eb) =>
            eb.or([
              eb('runs.after_run_id', 'is', null),
              eb.not(
                eb.exists(
                  eb
                    .selectFrom('runs as waited')
                    .select('waited.id')
                    .whereRef('waited.id', '=', 'runs.after_run_id')
                    .where('waited.status', 'in', [...LIVE_RUN_STATUSES]),
                ),
              ),
            ]),
          )
          .orderBy('runs.queued_at')
          .orderBy('runs.id')
          .limit(limit),
      )
      .execute();
    if (due.length === 0) return [];
    return (
      trx
        .updateTable('runs')
        .set((eb) => ({
          status: 'running',
          lease_owner: workerId,
          lease_until: now + leaseMs,
          fence: eb('fence', '+', 1),
          started_at: eb.fn.coalesce('started_at', eb.val(now)),
          updated_at: now,
        }))
        .where(
          'id',
          'in',
          due.map((row) => row.id),
        )
        // Re-checked under the row lock: a run claimed meanwhile is not claimed twice.
        .where('status', '=', movingFrom('queued', 'running'))
        .returningAll()
        .execute()
    );
  });
  return claimed.sort((a, b) => a.queued_at - b.queued_at || (a.id < b.id ? -1 : 1));
}

/** When the earliest queued run held back for its dispatch time becomes claimable, if any. */
export async function nextDispatchAt(database: Database, now: number): Promise<number | null> {
  const row = await database.db
    .selectFrom('runs')
    .select((eb) => eb.fn.min('dispatch_at').as('at'))
    .where('status', '=', 'queued')
    .where('dispatch_at', '>', now)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** Extends the lease; false when it was lost (expired and re-queued, or finished elsewhere). */
export async function heartbeat(
  database: Database,
  holder: LeaseHolder,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const result = await database.db
    .updateTable('runs')
    .set({ lease_until: now + leaseMs, updated_at: now })
    .where('id', '=', holder.runId)
    .where('fence', '=', holder.fence)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends a run; false when the caller's token is stale, and then nothing changes. */
export function finishRun(
  database: Database,
  holder: LeaseHolder,
  end: RunFinish,
): Promise<boolean> {
  return endRun(database.db, holder, end);
}

/** `finishRun` through `executor`: in the caller's transaction, or on its own. */
export async function endRun(
  executor: Kysely<Schema>,
  holder: LeaseHolder,
  end: RunFinish,
): Promise<boolean> {
  const row = await moveRun(
    executor,
    { id: holder.runId, fence: holder.fence },
    end.status,
    () => ({
      finished_at: end.now,
      updated_at: end.now,
      lease_owner: null,
      lease_until: null,
      error_code: end.error?.code ?? null,
      error_message: end.error?.message ?? null,
      error_step: end.error?.step ?? null,
      ...(end.agentsSpawned === undefined ? {} : { agents_spawned: end.agentsSpawned }),
      ...(end.usage === undefined ? {} : { usage: JSON.stringify(end.usage) }),
    }),
  );
  return row !== undefined;
}

/**
 * Gives a run back on shutdown whatever its attempt (ADR 44): it goes on in a new attempt, and
 * the attempt it was on is added to its allowance, since a shutdown is no failure of the run.
 * False when the lease was already lost.
 */
export async function releaseRun(
  database: Database,
  holder: LeaseHolder,
  now: number,
): Promise<boolean> {
  const row = await moveRun(
    database.db,
    { id: holder.runId, fence: holder.fence },
    'queued',
    (eb) => ({
      attempt: eb('attempt', '+', 1),
      max_attempts: eb('max_attempts', '+', 1),
      fence: eb('fence', '+', 1),
      lease_owner: null,
      lease_until: null,
      updated_at: now,
    }),
  );
  if (row === undefined) return false;
  await database.runsQueued(database.db);
  return true;
}

/** Returns runs whose lease expired to the queue, or fails those with no attempt left. */
export async function recoverExpiredLeases(
  database: Database,
  now: number,
): Promise<ExpiredLeases> {
  return database.write(async (trx) => {
    const requeued = await trx
      .updateTable('runs')
      .set((eb) => ({
        status: 'queued',
        attempt: eb('attempt', '+', 1),
        lease_owner: null,
        lease_until: null,
        updated_at: now,
      }))
      .where('status', '=', movingFrom('running', 'queued'))
      .where('lease_until', '<', now)
      .whereRef('attempt', '<', 'max_attempts')
      .executeTakeFirst();
    const failed = await trx
      .updateTable('runs')
      .set({
        status: 'failed',
        finished_at: now,
        updated_at: now,
        lease_owner: null,
        lease_until: null,
        error_code: 'lease_lost',
        error_message: 'The worker stopped renewing its lease and no attempt is left.',
      })
      .where('status', '=', movingFrom('running', 'failed'))
      .where('lease_until', '<', now)
      .executeTakeFirst();
    if (requeued.numUpdatedRows > 0n) await database.runsQueued(trx);
    return { requeued: Number(requeued.numUpdatedRows), failed: Number(failed.numUpdatedRows) };
  });
}
