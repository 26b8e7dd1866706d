// OAuth clients (migration 0005). Every read that serves a request is scoped by tenant; the one
// lookup by public client id is the token endpoint's, which learns the tenant from the row.
// Lists, reads and deletes see machine clients only: the tenant's scheduling app
// (auth/scheduling-app.ts) is Rota's own, not an admin's to remove.
import type { Database } from './database.ts';
import type { Insertable, Selectable } from 'kysely';
import type { OAuthClientTable } from './schema-identity.ts';

export type ClientRow = Readonly<Selectable<OAuthClientTable>>;
export type NewClientRow = Readonly<Insertable<OAuthClientTable>>;

/** What lists and reads show: never the digest or the sealed secret. */
export type ClientSummary = Pick<ClientRow, (typeof SUMMARY)[number]>;

const SUMMARY = [
  'id',
  'tenant_id',
  'client_id',
  'name',
  'role',
  'created_at',
  'updated_at',
] as const;

export async function insertClient(database: Database, row: NewClientRow): Promise<void> {
  await database.db.insertInto('oauth_clients').values(row).execute();
}

/** The client with this public id, digest included, for authenticating it. */
export async function findClientByClientId(
  database: Database,
  clientId: string,
): Promise<ClientRow | undefined> {
  return database.db
    .selectFrom('oauth_clients')
    .selectAll()
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

/** A tenant's clients, oldest first; every tenant's when `tenantId` is undefined (the CLI). */
export async function listClients(
  database: Database,
  tenantId: string | undefined,
): Promise<ClientSummary[]> {
  let query = database.db.selectFrom('oauth_clients').select(SUMMARY).where('kind', '=', 'machine');
  if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
  return query.orderBy('created_at').orderBy('id').execute();
}

export async function findClient(
  database: Database,
  tenantId: string,
  id: string,
): Promise<ClientSummary | undefined> {
  return database.db
    .selectFrom('oauth_clients')
    .select(SUMMARY)
    .where('kind', '=', 'machine')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Deletes a tenant's client; false when there is none with this id in this tenant. */
export async function deleteClient(
  database: Database,
  tenantId: string,
  id: string,
): Promise<boolean> {
  const result = await database.db
    .deleteFrom('oauth_clients')
    .where('kind', '=', 'machine')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Deletes the client with this public id, whatever its tenant (operator commands only). */
export async function deleteClientByClientId(
  database: Database,
  clientId: string,
): Promise<boolean> {
  const result = await database.db
    .deleteFrom('oauth_clients')
    .where('kind', '=', 'machine')
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
