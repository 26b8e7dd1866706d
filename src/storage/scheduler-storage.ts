// The engine's ports (engine/scheduler-store.ts) over a Database, for both dialects. Which way due
// schedules are taken is the database's capability: one scheduler per SQLite file reads, plans and
// writes a batch in one transaction; PostgreSQL's replicas claim the batch, then write it holding
// the tenants' budgets, so that two replicas never spend one budget twice.
import { queueDigestsOfEndedTicks } from './digests/delivery-queue.ts';
import { withinTransaction, type Database } from './database.ts';
import { firingSchedule, sharedCadences, tickWrite } from './firing-rows.ts';
import { pruneIdempotencyKeys } from './idempotency-store.ts';
import { acquireLock, releaseLock, renewLock, takeOverLock } from './lock-store.ts';
import { recoverExpiredLeases } from './run-store.ts';
import {
  claimDueSchedules,
  dueSchedules,
  nextDueAt,
  releaseAllScheduleClaims,
  releaseScheduleClaim,
  reloadDue,
} from './schedule-store.ts';
import {
  agentsSpentSince,
  loadTickContext,
  loadTickContexts,
  lockTenantBudgets,
  ownerGrants,
} from './ticks/tick-contexts.ts';
import {
  endTick,
  failRunsPastDeadline,
  openTicks,
  pauseAfterFailures,
  pruneHistory,
} from './ticks/tick-ends.ts';
import { writeTick, writeTickBatch } from './ticks/tick-writes.ts';
import type { FiringSchedule, PlannedBatch, PlannedTick } from '../core/firing-records.ts';

/** What a batch's planning reads and writes inside its transaction. */
function tickTransaction(database: Database) {
  return {
    holdBudgets: (tenantIds: readonly string[]) => lockTenantBudgets(database, tenantIds),
    loadTickContexts: (schedules: readonly FiringSchedule[], now: number) =>
      loadTickContexts(database, schedules, now),
    loadTickContext: (scheduleId: string, now: number) =>
      loadTickContext(database, scheduleId, now),
    agentsSpentSince: (tenantId: string, dayStart: number) =>
      agentsSpentSince(database, tenantId, dayStart),
    ownerGrants: (schedules: readonly FiringSchedule[], now: number) =>
      ownerGrants(database, schedules, now),
    writeTickBatch: (batch: PlannedBatch, beforeAdvance?: () => Promise<void>) =>
      writeTickBatch(
        database,
        { ticks: batch.ticks.map(tickWrite), advances: batch.advances },
        beforeAdvance,
      ),
    writeTick: (tick: PlannedTick) => writeTick(database, tickWrite(tick)),
  };
}

type TickTransaction = ReturnType<typeof tickTransaction>;

interface DueRequest {
  readonly now: number;
  readonly holder: string;
  readonly ttlMs: number;
  readonly limit: number;
  readonly skip: ReadonlySet<string>;
}

function firingStore(database: Database) {
  const write = <T>(work: (trx: TickTransaction) => Promise<T>): Promise<T> =>
    database.write((trx) => work(tickTransaction(withinTransaction(database, trx))));
  return {
    write,
    async fireDue<T>(
      request: DueRequest,
      onTaken: (due: readonly FiringSchedule[]) => void,
      fire: (due: readonly FiringSchedule[], trx: TickTransaction) => Promise<T>,
    ): Promise<T | undefined> {
      const read = sharedCadences();
      if (database.coordination.singleProcess) {
        return database.write(async (trx) => {
          const within = withinTransaction(database, trx);
          const rows = await dueSchedules(within, request.now, request.limit, request.skip);
          const due = rows.map((row) => firingSchedule(row, read));
          onTaken(due);
          return due.length === 0 ? undefined : fire(due, tickTransaction(within));
        });
      }
      const rows = await claimDueSchedules(database, request);
      const claimed = rows.map((row) => firingSchedule(row, read));
      onTaken(claimed);
      if (claimed.length === 0) return undefined;
      return write(async (trx) => {
        await trx.holdBudgets(claimed.map((s) => s.tenant_id));
        return fire(claimed, trx);
      });
    },
    reloadDue: async (scheduleId: string, now: number) => {
      const row = await reloadDue(database, scheduleId, now);
      return row === undefined ? undefined : firingSchedule(row);
    },
    releaseScheduleClaim: (scheduleId: string, holder: string) =>
      releaseScheduleClaim(database, scheduleId, holder),
    readCadence: async (scheduleId: string) => {
      const row = await database.db
        .selectFrom('schedules')
        .select('cadence')
        .where('id', '=', scheduleId)
        .executeTakeFirst();
      return row === undefined ? undefined : sharedCadences()(row.cadence);
    },
  };
}

function tickEndStore(database: Database) {
  return {
    failRunsPastDeadline: (now: number) => failRunsPastDeadline(database, now),
    openTicks: (limit: number) => openTicks(database, limit),
    pauseAfterFailures: (scheduleId: string) => pauseAfterFailures(database, scheduleId),
    endTick: (end: Parameters<typeof endTick>[1]) => endTick(database, end),
    queueDigestsOfEndedTicks: (now: number, limit: number) =>
      queueDigestsOfEndedTicks(database, now, limit),
  };
}

function schedulerLock(database: Database) {
  return {
    acquire: (request: Parameters<typeof acquireLock>[1]) => acquireLock(database, request),
    takeOver: (request: Parameters<typeof takeOverLock>[1]) => takeOverLock(database, request),
    renew: (request: Parameters<typeof renewLock>[1]) => renewLock(database, request),
    release: (name: string, holder: string) => releaseLock(database, name, holder),
    releaseAllScheduleClaims: () => releaseAllScheduleClaims(database),
  };
}

/** Everything the scheduler loop, its passes and the tick ender need, over `database`. */
export function schedulerStore(database: Database) {
  return {
    firing: firingStore(database),
    ticks: tickEndStore(database),
    singleScheduler: database.coordination.singleProcess ? schedulerLock(database) : undefined,
    nextDueAt: () => nextDueAt(database),
    recoverExpiredLeases: (now: number) => recoverExpiredLeases(database, now),
    pruneHistory: (before: number, batch: number) => pruneHistory(database, before, batch),
    pruneIdempotencyKeys: (before: number, batch: number) =>
      pruneIdempotencyKeys(database, before, batch),
  };
}
