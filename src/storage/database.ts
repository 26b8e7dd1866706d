// A database Rota talks to: one typed Kysely instance over SQLite or PostgreSQL. Only the
// mirrored sqlite/ and postgres/ folders know which; everything else sees this interface.
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * How processes sharing the database keep out of each other's way: row locks and claims, the
 * news that runs were queued, and whether one process has the database to itself. Each dialect
 * folder provides its own; nothing outside them asks which database it is.
 */
export interface Coordination {
  /**
   * True when one process has the database to itself (a SQLite file, ADR 12): its one scheduler
   * holds the "scheduler" lock and reads, plans and writes each batch in one transaction, its own
   * clock is the clock, and a key file in its data directory serves it. PostgreSQL's replicas
   * claim schedules instead, and share the database server's clock and a configured key.
   */
  readonly singleProcess: boolean;
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
}

type RowLocks = Pick<Coordination, 'claimable' | 'exclusiveLock' | 'sharedLock'>;
type RunNews = Pick<Coordination, 'runsQueued' | 'onRunsQueued'>;

/**
 * The row locks and run news are also reachable on the Database itself, as before the
 * coordination role: the run stores and the worker still call them there (issue 12).
 */
export interface Database extends RowLocks, RunNews {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  readonly coordination: Coordination;
  /** The database server's clock, in epoch milliseconds (also the readiness ping). */
  readTime(): Promise<number>;
  /**
   * The schema Kysely's migration bookkeeping lives in (PostgreSQL's current schema, so that
   * another schema's tables never pass for ours); undefined where there is only one.
   */
  migrationSchema(): Promise<string | undefined>;
  /** Statements each dialect writes its own way, for speed (the firing path's advances). */
  readonly statements: DialectStatements;
  /** Runs `work` in one write transaction: all of it commits, or none of it. */
  write<T>(work: (trx: Kysely<Schema>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ScheduleAdvanceRow {
  readonly scheduleId: string;
  readonly from: number;
  readonly to: number | null;
  /** `last_tick_at` rises to it, never back; null or undefined leaves it. */
  readonly lastTickAt?: number | null | undefined;
}

export interface DialectStatements {
  /**
   * Moves each schedule from `from` to `to` only if it is still at `from`, drops its claim and
   * raises its `last_tick_at`, in the caller's transaction. Returns the schedules moved.
   */
  advanceSchedules(
    trx: Kysely<Schema>,
    advances: readonly ScheduleAdvanceRow[],
  ): Promise<Set<string>>;
}

/** The coordination members the Database carries flat as well (see Database). */
export function flatCoordination(coordination: Coordination): RowLocks & RunNews {
  return {
    claimable: coordination.claimable.bind(coordination),
    exclusiveLock: coordination.exclusiveLock.bind(coordination),
    sharedLock: coordination.sharedLock.bind(coordination),
    runsQueued: coordination.runsQueued.bind(coordination),
    onRunsQueued: coordination.onRunsQueued.bind(coordination),
  };
}

/**
 * The same database seen from inside an open write transaction: its reads and writes join that
 * transaction, and `write` runs its work there rather than opening another.
 */
export function withinTransaction(database: Database, trx: Kysely<Schema>): Database {
  return { ...database, db: trx, write: (work) => work(trx) };
}
