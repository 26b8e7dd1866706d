// Users' grants (migration 0012; core/grant-status.ts has the states). A user's authorisation is
// their latest grant: re-authorising makes a new one and revokes the one before.
import type { Kysely, Selectable } from 'kysely';
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
