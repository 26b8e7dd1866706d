// The database server's clock, in epoch milliseconds: with several replicas on PostgreSQL, every
// lease, claim and fire time is judged against this one clock, not each machine's (SPEC §11).
// Also the readiness ping.
import { sql } from 'kysely';
import type { Database } from './database.ts';

export async function readDatabaseTime(database: Database): Promise<number> {
  const query =
    database.dialect === 'postgres'
      ? sql<{ ms: number }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`
      : sql<{ ms: number }>`select unixepoch('subsec') * 1000 as ms`;
  const { rows } = await query.execute(database.db);
  return Math.round(Number(rows[0]?.ms));
}

/** Resolves when the database answers a trivial query (readiness probes). */
export async function pingDatabase(database: Database): Promise<void> {
  await sql`select 1`.execute(database.db);
}
