// Answers to requests sent with an `Idempotency-Key`, kept per tenant and key so that a retry
// replays the first answer (migration 0006, ADR 15). A request takes its key before it runs, by
// inserting a placeholder row (status 0, no body), so that a concurrent twin finds it taken; the
// row then gets the answer, or is deleted when the request failed. The placeholder's fingerprint
// and created_at fence it: a holder whose claim was taken over after it went stale changes nothing.
import {
  IDEMPOTENCY_CLAIM_TTL_MS,
  IDEMPOTENCY_IN_PROGRESS,
  IDEMPOTENCY_KEY_LIFETIME_MS,
} from '../core/idempotency-keys.ts';
import type { IdempotentResponse } from '../core/resources.ts';
import type { Database } from './database.ts';

/** A key this request holds while it runs. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly fingerprint: string;
  readonly created_at: number;
}

export type ClaimOutcome =
  | { readonly taken: true; readonly claim: IdempotencyClaim }
  /** Another request's: answered (status > 0) or still running (status 0). */
  | { readonly taken: false; readonly held: IdempotentResponse };

// Between a refused claim and reading the holder, the holder may have failed and let go.
const CLAIM_ATTEMPTS = 3;

export function idempotencyStore(database: Database) {
  const { db } = database;
  const find = (
    tenantId: string,
    key: string,
    now: number,
  ): Promise<IdempotentResponse | undefined> =>
    db
      .selectFrom('idempotency_keys')
      .select(['key', 'fingerprint', 'status', 'body', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('key', '=', key)
      .where('created_at', '>=', now - IDEMPOTENCY_KEY_LIFETIME_MS)
      .executeTakeFirst();

  return {
    /** The key's row, answered or in progress, unless it is older than a day (expired). */
    find,

    /**
     * Takes the key for a request about to run: insert-or-ignore of a placeholder, which also
     * replaces an expired row or a stale placeholder. Else says who holds it.
     */
    async claim(
      tenantId: string,
      request: { readonly key: string; readonly fingerprint: string },
      now: number,
    ): Promise<ClaimOutcome> {
      const claim: IdempotencyClaim = { ...request, created_at: now };
      const placeholder = { status: IDEMPOTENCY_IN_PROGRESS, body: '', ...claim };
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const inserted = await db
          .insertInto('idempotency_keys')
          .values({ ...placeholder, tenant_id: tenantId })
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'key'])
              .doUpdateSet(placeholder)
              .where((eb) =>
                eb.or([
                  eb('idempotency_keys.created_at', '<', now - IDEMPOTENCY_KEY_LIFETIME_MS),
                  eb.and([
                    eb('idempotency_keys.status', '=', IDEMPOTENCY_IN_PROGRESS),
                    eb('idempotency_keys.created_at', '<', now - IDEMPOTENCY_CLAIM_TTL_MS),
                  ]),
                ]),
              ),
          )
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { taken: true, claim };
        const held = await find(tenantId, request.key, now);
        if (held !== undefined) return { taken: false, held };
      }
      // Taken and let go over and over: call it in progress; the client's retry decides.
      return { taken: false, held: { ...placeholder } };
    },

    /** Stores the answer of the request holding `claim` (nothing if its claim was taken over). */
    async save(
      tenantId: string,
      claim: IdempotencyClaim,
      answer: { readonly status: number; readonly body: string },
    ): Promise<void> {
      await db
        .updateTable('idempotency_keys')
        .set(answer)
        .where('tenant_id', '=', tenantId)
        .where('key', '=', claim.key)
        .where('status', '=', IDEMPOTENCY_IN_PROGRESS)
        .where('fingerprint', '=', claim.fingerprint)
        .where('created_at', '=', claim.created_at)
        .execute();
    },

    /** Lets the key go after the request failed, so that a retry runs. */
    async release(tenantId: string, claim: IdempotencyClaim): Promise<void> {
      await db
        .deleteFrom('idempotency_keys')
        .where('tenant_id', '=', tenantId)
        .where('key', '=', claim.key)
        .where('status', '=', IDEMPOTENCY_IN_PROGRESS)
        .where('fingerprint', '=', claim.fingerprint)
        .where('created_at', '=', claim.created_at)
        .execute();
    },
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;

/** Deletes up to `batch` keys older than `before` (they are kept for a day); how many went. */
export async function pruneIdempotencyKeys(
  database: Database,
  before: number,
  batch: number,
): Promise<number> {
  const { db } = database;
  const deleted = await db
    .deleteFrom('idempotency_keys')
    .where((eb) =>
      eb(
        eb.refTuple('tenant_id', 'key'),
        'in',
        eb
          .selectFrom('idempotency_keys')
          .select(['tenant_id', 'key'])
          .where('created_at', '<', before)
          .limit(batch)
          .$asTuple('tenant_id', 'key'),
      ),
    )
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
