// Users' grants (migration 0012; core/grant-status.ts has the states). A user's authorisation is
// their latest grant: re-authorising makes a new one and revokes the one before.
import type { Kysely, Selectable } from 'kysely';
import type { GrantRevocation } from '../core/grant-status.ts';
import type { Schema } from './schema.ts';
import type { GrantTable } from './schema-identity.ts';

export type GrantRow = Readonly<Selectable<GrantTable>>;

/** The user's latest grant, whatever its state; undefined before their first. */
export async function latestGrant(
  executor: Kysely<Schema>,
  tenantId: string,
  userId: string,
): Promise<GrantRow | undefined> {
  return executor
    .selectFrom('grants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Revokes the user's live grants (through `executor`, so in the caller's transaction); the
 * revoked grants' ids, for the audit log.
 */
export async function revokeUserGrants(
  executor: Kysely<Schema>,
  tenantId: string,
  userId: string,
  reason: GrantRevocation,
  now: number,
): Promise<string[]> {
  const revoked = await executor
    .updateTable('grants')
    .set({ status: 'revoked', revoked_at: now, revoked_reason: reason, updated_at: now })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return revoked.map((row) => row.id);
}
