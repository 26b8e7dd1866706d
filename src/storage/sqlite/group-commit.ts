// Group commit for SQLite's one writer. Every commit is an fsync (`synchronous = FULL`, ADR 10),
// and a worker running 32 runs at once asks for a few small transactions per run: committed one by
// one, the disk's flushes, not the work, set the pace. Write transactions asked for while one is
// committing wait together and then run one after another inside a single BEGIN IMMEDIATE … COMMIT,
// each in a savepoint of its own: one that fails is rolled back alone and rejected, the others
// commit, and none is told it committed before the COMMIT (and its fsync) returned. A write asked
// for when nothing is committing starts at once, so a lone write waits for nobody.
import { sql, type Kysely } from 'kysely';
import type { Schema } from '../schema.ts';

/** Transactions that share one commit at most: a flood of writes still commits in steps. */
const MAX_GROUP = 256;

interface Pending {
  readonly work: (trx: Kysely<Schema>) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class GroupCommit {
  private readonly db: Kysely<Schema>;
  private readonly queue: Pending[] = [];
  private draining = false;

  constructor(db: Kysely<Schema>) {
    this.db = db;
  }

  /** Runs `work` in a write transaction: all of it commits, or none of it. */
  write<T>(work: (trx: Kysely<Schema>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_GROUP));
    } finally {
      this.draining = false;
    }
  }

  /** One transaction for the group; every promise settles once its fate is known. */
  private async commit(group: readonly Pending[]): Promise<void> {
    let outcomes: Outcome[];
    try {
      outcomes = await this.db.connection().execute(async (connection) => {
        // BEGIN IMMEDIATE takes the write lock up front, so another process waits (busy
        // timeout) instead of failing when a deferred transaction tries to upgrade its lock.
        await sql`begin immediate`.execute(connection);
        try {
          const results =
            group.length === 1
              ? [await alone(group[0]!, connection)]
              : await inSavepoints(group, connection);
          await sql`commit`.execute(connection);
          return results;
        } catch (error) {
          // SQLite may have rolled back on its own (disk full): never let that hide the cause.
          await sql`rollback`.execute(connection).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      // Nothing of the group was committed: each is told so, with the cause.
      for (const pending of group) pending.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) group[i]!.resolve(outcome.value);
      else group[i]!.reject(outcome.error);
    });
  }
}

/** A group of one needs no savepoint: its failure rolls the transaction back. */
async function alone(pending: Pending, connection: Kysely<Schema>): Promise<Outcome> {
  return { ok: true, value: await pending.work(connection) };
}

/**
 * Each transaction of the group in a savepoint: a failure rolls back that one alone. If the
 * rollback itself fails, SQLite ended the whole transaction (it does on disk full or I/O errors):
 * the group fails as one, which `commit` reports to every member.
 */
async function inSavepoints(
  group: readonly Pending[],
  connection: Kysely<Schema>,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const pending of group) {
    await sql`savepoint member`.execute(connection);
    try {
      const value = await pending.work(connection);
      await sql`release member`.execute(connection);
      outcomes.push({ ok: true, value });
    } catch (error) {
      try {
        await sql`rollback to member`.execute(connection);
        await sql`release member`.execute(connection);
      } catch {
        // The transaction is gone with everything in it: the group fails, for this cause.
        throw error;
      }
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}
