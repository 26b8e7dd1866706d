// The database server's clock, in epoch milliseconds: with several replicas on PostgreSQL, every
// lease, claim and fire time is judged against this one clock, not each machine's (SPEC §11).
// Also the readiness ping.
import { sql } from 'kysely';
import type { Database } from './database.ts';

export function readDatabaseTime(database: Database): Promise<number> {
  return database.readTime();
}

/** Resolves when the database answers a trivial query (readiness probes). */
export async function pingDatabase(database: Database): Promise<void> {
  await sql`select 1`.execute(database.db);
}
