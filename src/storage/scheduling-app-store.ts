// The tenant's scheduling app (migration 0012): the one OAuth client per tenant through which its
// users grant Rota the right to act for them. A partial unique index makes "one per tenant"
// a fact, so registering twice, or two replicas migrating at once, leaves one.
import { sql, type Insertable, type Selectable } from 'kysely';
import type { Database } from './database.ts';
import type { OAuthClientTable } from './schema-identity.ts';

export type SchedulingAppRow = Readonly<Selectable<OAuthClientTable>>;

/** Inserts the app unless the tenant has one; the tenant's app either way. */
export async function ensureSchedulingAppRow(
  database: Database,
  row: Readonly<Insertable<OAuthClientTable>>,
): Promise<SchedulingAppRow> {
  await database.db
    .insertInto('oauth_clients')
    .values({ ...row, kind: 'scheduling_app' })
    // The target repeats the partial index's predicate literally: SQLite matches it by text.
    .onConflict((oc) =>
      oc
        .column('tenant_id')
        .where(sql<boolean>`kind = 'scheduling_app'`)
        .doNothing(),
    )
    .execute();
  const app = await findSchedulingApp(database, row.tenant_id);
  if (app === undefined) throw new Error('the scheduling app was not stored');
  // ROTA_PUBLIC_URL may have changed since: the redirect URI follows it.
  if (app.redirect_uri !== row.redirect_uri) {
    await database.db
      .updateTable('oauth_clients')
      .set({ redirect_uri: row.redirect_uri ?? null, updated_at: row.updated_at })
      .where('id', '=', app.id)
      .execute();
    return { ...app, redirect_uri: row.redirect_uri ?? null };
  }
  return app;
}

export async function findSchedulingApp(
  database: Database,
  tenantId: string,
): Promise<SchedulingAppRow | undefined> {
  return database.db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kind', '=', 'scheduling_app')
    .executeTakeFirst();
}

/** Tenants whose admin registered scheduling on behalf of users. */
export async function registeredTenantIds(database: Database): Promise<string[]> {
  const rows = await database.db
    .selectFrom('tenants')
    .select('id')
    .where('user_scheduling_enabled_at', 'is not', null)
    .execute();
  return rows.map((row) => row.id);
}
