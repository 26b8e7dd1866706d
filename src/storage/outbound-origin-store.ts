// Origins allowed past the outbound guard one by one (migration 0003).
import type { Database } from './database.ts';

export async function allowOrigin(
  database: Database,
  entry: { readonly origin: string; readonly note: string; readonly now: number },
): Promise<void> {
  await database.db
    .insertInto('outbound_origins')
    .values({ origin: entry.origin, note: entry.note, created_at: entry.now })
    .onConflict((oc) => oc.column('origin').doUpdateSet({ note: entry.note }))
    .execute();
}

export async function allowedOrigins(database: Database): Promise<Set<string>> {
  const rows = await database.db.selectFrom('outbound_origins').select('origin').execute();
  return new Set(rows.map((row) => row.origin));
}
