// Users' grants (migration 0012; core/grant-status.ts has the states). A user's authorisation is
// their latest grant: re-authorising makes a new one and revokes the one before.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { GrantRevocation } from '../core/grant-status.ts';
import type { Role } from '../core/principal.ts';
import type { Database } from './database.ts';
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

export async function insertGrant(
  executor: Kysely<Schema>,
  row: Readonly<Insertable<GrantTable>>,
): Promise<void> {
  await executor.insertInto('grants').values(row).execute();
}

/**
 * The grant with this id, locked for the enclosing write transaction (PostgreSQL waits for
 * another refresh of the same grant to finish: concurrent refreshes are serialised).
 */
export async function lockGrant(
  database: Database,
  trx: Kysely<Schema>,
  id: string,
): Promise<GrantRow | undefined> {
  return database.coordination
    .exclusiveLock(trx.selectFrom('grants').selectAll().where('id', '=', id))
    .executeTakeFirst();
}

/** Revokes one live grant; false when it was not live. */
export async function revokeGrant(
  executor: Kysely<Schema>,
  id: string,
  reason: GrantRevocation,
  now: number,
): Promise<boolean> {
  const result = await executor
    .updateTable('grants')
    .set({ status: 'revoked', revoked_at: now, revoked_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces the grant's refresh token (rotation); `expires_at` never moves. */
export async function rotateRefresh(
  executor: Kysely<Schema>,
  id: string,
  refresh: { readonly digest: string; readonly sealed: string },
  now: number,
): Promise<void> {
  await executor
    .updateTable('grants')
    .set((eb) => ({
      refresh_digest: refresh.digest,
      refresh_sealed: refresh.sealed,
      refresh_generation: eb('refresh_generation', '+', 1),
      refreshed_at: now,
      updated_at: now,
    }))
    .where('id', '=', id)
    .execute();
}

/** The role of the grant's user; undefined once the user is gone. */
export async function holderRole(
  executor: Kysely<Schema>,
  tenantId: string,
  userId: string,
): Promise<Role | undefined> {
  const row = await executor
    .selectFrom('users')
    .select('role')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}
