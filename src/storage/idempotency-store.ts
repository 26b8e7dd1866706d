// Answers to requests sent with an `Idempotency-Key`, kept per tenant and key so that a retry
// replays the first answer (migration 0006). The first writer of a key wins.
import type { IdempotentResponse } from '../core/resources.ts';
import type { Database } from './database.ts';

export function idempotencyStore(database: Database) {
  const { db } = database;
  return {
    find(tenantId: string, key: string): Promise<IdempotentResponse | undefined> {
      return db
        .selectFrom('idempotency_keys')
        .select(['key', 'fingerprint', 'status', 'body', 'created_at'])
        .where('tenant_id', '=', tenantId)
        .where('key', '=', key)
        .executeTakeFirst();
    },

    async save(tenantId: string, response: IdempotentResponse): Promise<void> {
      await db
        .insertInto('idempotency_keys')
        .values({ ...response, tenant_id: tenantId })
        .onConflict((oc) => oc.columns(['tenant_id', 'key']).doNothing())
        .execute();
    },

    /** Forgets keys older than `before` (they are kept for a day). */
    async prune(before: number): Promise<number> {
      const deleted = await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', before)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows);
    },
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;
