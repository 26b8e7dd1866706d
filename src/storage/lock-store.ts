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

/** Takes the lock if it is free, expired, or already this holder's. */
export async function acquireLock(database: Database, request: LockRequest): Promise<LockOutcome> {
  const { name, holder, now, ttlMs } = request;
  return database.write(async (trx) => {
    const current = await trx
      .selectFrom('locks')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    if (current === undefined) {
      await trx
        .insertInto('locks')
        .values({ name, holder, expires_at: now + ttlMs, fence: 1 })
        .execute();
      return { acquired: true, fence: 1 };
    }
    if (current.holder !== holder && current.expires_at > now) {
      return { acquired: false, holder: current.holder, expiresAt: current.expires_at };
    }
    const fence = current.fence + 1;
    await trx
      .updateTable('locks')
      .set({ holder, expires_at: now + ttlMs, fence })
      .where('name', '=', name)
      .execute();
    return { acquired: true, fence };
  });
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
