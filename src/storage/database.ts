// A database Rota talks to: one typed Kysely instance over SQLite or PostgreSQL. Only the
// mirrored sqlite/ and postgres/ folders know which; everything else sees this interface.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /**
   * True when only one scheduler may run on the database (a SQLite file, ADR 12): it holds the
   * "scheduler" lock and reads, plans and writes each batch in one transaction. PostgreSQL's
   * replicas claim schedules instead.
   */
  readonly singleScheduler: boolean;
  /**
   * Locks the selected rows for the enclosing write transaction, skipping rows another
   * transaction holds (PostgreSQL `FOR UPDATE SKIP LOCKED`); SQLite's single writer needs none.
   */
  claimable<TB extends keyof Schema, O>(
    query: SelectQueryBuilder<Schema, TB, O>,
  ): SelectQueryBuilder<Schema, TB, O>;
  /**
   * Locks the selected rows for the enclosing write transaction, waiting for a transaction that
   * holds them (PostgreSQL `FOR NO KEY UPDATE`, which still lets other transactions insert rows
   * that reference them); SQLite's single writer holds everything already.
   */
  exclusiveLock<TB extends keyof Schema, O>(
    query: SelectQueryBuilder<Schema, TB, O>,
  ): SelectQueryBuilder<Schema, TB, O>;
  /**
   * Holds the selected rows unchanged until the enclosing write transaction ends (PostgreSQL
   * `FOR SHARE`), so a check made on them stays true for the writes that follow it.
   */
  sharedLock<TB extends keyof Schema, O>(
    query: SelectQueryBuilder<Schema, TB, O>,
  ): SelectQueryBuilder<Schema, TB, O>;
  /** Runs `work` in one write transaction: all of it commits, or none of it. */
  write<T>(work: (trx: Kysely<Schema>) => Promise<T>): Promise<T>;
  /**
   * Says that runs were queued through `executor` (a write transaction, or the database itself
   * for a statement already committed), so that idle workers look for work at once rather than
   * at their next poll (SPEC section 11). PostgreSQL sends a NOTIFY, which every process hears
   * once the transaction commits and none if it rolls back; SQLite's one process tells its own
   * listeners, whose reads wait for the transaction to end.
   */
  runsQueued(executor: Kysely<Schema>): Promise<void>;
  /**
   * Calls `listener` whenever runs are queued, by any process on PostgreSQL (and once after a
   * lost connection is back, since a notification may have been missed meanwhile). Resolves to
   * the function that stops listening.
   */
  onRunsQueued(listener: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * The same database seen from inside an open write transaction: its reads and writes join that
 * transaction, and `write` runs its work there rather than opening another.
 */
export function withinTransaction(database: Database, trx: Kysely<Schema>): Database {
  return { ...database, db: trx, write: (work) => work(trx) };
}
