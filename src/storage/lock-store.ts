// Named leases in the `locks` table: a holder keeps one by renewing it before it expires, so a
// crashed holder's lock lapses on its own. The embedded SQLite deployment takes "scheduler" at
// start, and a second scheduler on the same file is refused while the first one lives.
import type { Database } from './database.ts';

export interface LockRequest {
  readonly name: string;
  readonly holder: string;
  readonly now: number;
  readonly ttlMs: number;
}

export type LockOutcome =
  | { readonly acquired: true; readonly fence: number }
  | { readonly acquired: false; readonly holder: string; readonly expiresAt: number };

/**
 * Takes the lock if it is free, expired, or already this holder's, in one statement, so that
 * racing acquirers on any database get it at most once.
 */
export async function acquireLock(database: Database, request: LockRequest): Promise<LockOutcome> {
  const { name, holder, now, ttlMs } = request;
  const taken = await database.db
    .insertInto('locks')
    .values({ name, holder, expires_at: now + ttlMs, fence: 1 })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          expires_at: eb.ref('excluded.expires_at'),
          fence: eb('locks.fence', '+', 1),
        }))
        .where((eb) => eb.or([eb('locks.expires_at', '<=', now), eb('locks.holder', '=', holder)])),
    )
    .returning('fence')
    .executeTakeFirst();
  if (taken !== undefined) return { acquired: true, fence: taken.fence };
  const current = await database.db
    .selectFrom('locks')
    .select(['holder', 'expires_at'])
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return { acquired: false, holder: current.holder, expiresAt: current.expires_at };
}

/** Extends the lock; false when it was lost to another holder. */
export async function renewLock(
  database: Database,
  request: LockRequest & { readonly fence: number },
): Promise<boolean> {
  const result = await database.db
    .updateTable('locks')
    .set({ expires_at: request.now + request.ttlMs })
    .where('name', '=', request.name)
    .where('holder', '=', request.holder)
    .where('fence', '=', request.fence)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseLock(database: Database, name: string, holder: string): Promise<void> {
  await database.db
    .deleteFrom('locks')
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

/**
 * Takes the lock over from `from`, a holder known to be dead (its process is gone), without
 * waiting for its lease to run out; fails if the lock changed hands meanwhile.
 */
export async function takeOverLock(
  database: Database,
  request: LockRequest & { readonly from: string },
): Promise<LockOutcome> {
  const { name, holder, now, ttlMs, from } = request;
  const taken = await database.db
    .updateTable('locks')
    .set((eb) => ({ holder, expires_at: now + ttlMs, fence: eb('fence', '+', 1) }))
    .where('name', '=', name)
    .where('holder', '=', from)
    .returning('fence')
    .executeTakeFirst();
  return taken !== undefined
    ? { acquired: true, fence: taken.fence }
    : acquireLock(database, request);
}
