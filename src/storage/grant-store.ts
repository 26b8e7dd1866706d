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

/** A user's latest grant as the scheduler judges it, keyed by `tenant id/user id`. */
export type GrantFactsByUser = ReadonlyMap<string, Pick<GrantRow, 'id' | 'status' | 'expires_at'>>;

export const userKey = (tenantId: string, userId: string): string => `${tenantId}/${userId}`;

// Users per IN list: far below either database's bound-parameter limit.
const USERS_PER_QUERY = 500;

/**
 * The latest grant of each of many users in one query per 500 users (the scheduler's batch):
 * users without a grant are absent from the map.
 */
export async function latestGrantsOf(
  executor: Kysely<Schema>,
  users: readonly { readonly tenantId: string; readonly userId: string }[],
): Promise<GrantFactsByUser> {
  const wanted = new Set(users.map((u) => userKey(u.tenantId, u.userId)));
  const ids = [...new Set(users.map((u) => u.userId))];
  const latest = new Map<string, Pick<GrantRow, 'id' | 'status' | 'expires_at' | 'created_at'>>();
  for (let i = 0; i < ids.length; i += USERS_PER_QUERY) {
    const rows = await executor
      .selectFrom('grants')
      .select(['id', 'tenant_id', 'user_id', 'status', 'expires_at', 'created_at'])
      .where('user_id', 'in', ids.slice(i, i + USERS_PER_QUERY))
      .execute();
    for (const { tenant_id, user_id, ...row } of rows) {
      const key = userKey(tenant_id, user_id);
      if (!wanted.has(key)) continue;
      const seen = latest.get(key);
      // The same order as latestGrant: newest first, then the greater id.
      if (
        seen === undefined ||
        row.created_at > seen.created_at ||
        (row.created_at === seen.created_at && row.id > seen.id)
      )
        latest.set(key, row);
    }
  }
  return new Map(
    [...latest].map(([key, { id, status, expires_at }]) => [key, { id, status, expires_at }]),
  );
}
