// Many rows per statement, for the stores that write in batches: one round trip carries hundreds
// of rows, which is what the firing path's speed comes down to (research/performance.md).
import { sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { Schema } from './schema.ts';

// Rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters even
// for the widest table (runs, 29 columns).
export const CHUNK = 500;

export function* chunks<T>(list: readonly T[], size = CHUNK): Generator<T[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

/** Inserts in chunks; a row whose identity exists already is skipped (insert-or-ignore). */
export async function insertChunked<T extends keyof Schema>(
  trx: Kysely<Schema>,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
): Promise<void> {
  for (const chunk of chunks(rows)) {
    await trx
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * `(…), (…)` rows for `with v(a, b) as (values …)`, the one bulk-update form both databases
 * read alike (SQLite names no columns of a bare VALUES alias). PostgreSQL types VALUES
 * parameters as text, so numeric columns need `cast(… as bigint)` in each row.
 */
export function valuesList(rows: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return sql.join(rows, sql`, `);
}
