// Token signing keys (migration 0005), shared by every replica through the database.
import type { Database } from './database.ts';
import type { SigningKeyTable } from './schema-identity.ts';

export type SigningKeyRow = Readonly<SigningKeyTable>;

/**
 * Inserts a key unless one of its generation exists: replicas racing to create the first key
 * each offer one, and exactly one is kept. True when this one was kept.
 */
export async function offerSigningKey(database: Database, row: SigningKeyRow): Promise<boolean> {
  const inserted = await database.db
    .insertInto('signing_keys')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('kid')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Every key, newest generation first. */
export async function listSigningKeys(database: Database): Promise<SigningKeyRow[]> {
  return database.db.selectFrom('signing_keys').selectAll().orderBy('generation', 'desc').execute();
}
