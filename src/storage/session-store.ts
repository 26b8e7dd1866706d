// Sessions (migration 0012): a signed-in browser. Only the SHA-256 digest of the cookie's id is
// stored, so a copy of the database signs nobody in.
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from './database.ts';
import type { Schema } from './schema.ts';
import type { SessionTable, UserTable } from './schema-identity.ts';

export type SessionRow = Readonly<Selectable<SessionTable>>;

export async function insertSession(
  executor: Kysely<Schema>,
  row: Readonly<Insertable<SessionTable>>,
): Promise<void> {
  await executor.insertInto('sessions').values(row).execute();
}

/** The session with this digest and its user, as they are now. */
export async function findSession(
  database: Database,
  digest: string,
): Promise<(SessionRow & Pick<Selectable<UserTable>, 'email' | 'name' | 'role'>) | undefined> {
  return database.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['users.email', 'users.name', 'users.role'])
    .where('sessions.id_digest', '=', digest)
    .executeTakeFirst();
}

export async function touchSession(database: Database, digest: string, now: number): Promise<void> {
  await database.db
    .updateTable('sessions')
    .set({ last_seen_at: now })
    .where('id_digest', '=', digest)
    .execute();
}

/** Ends one session; its user's id, or undefined when there was none. */
export async function deleteSession(
  executor: Kysely<Schema>,
  digest: string,
): Promise<{ readonly tenantId: string; readonly userId: string } | undefined> {
  const row = await executor
    .deleteFrom('sessions')
    .where('id_digest', '=', digest)
    .returning(['tenant_id', 'user_id'])
    .executeTakeFirst();
  return row === undefined ? undefined : { tenantId: row.tenant_id, userId: row.user_id };
}

/** Ends every session of the user (through `executor`, in the caller's transaction). */
export async function deleteUserSessions(
  executor: Kysely<Schema>,
  tenantId: string,
  userId: string,
): Promise<number> {
  const result = await executor
    .deleteFrom('sessions')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
