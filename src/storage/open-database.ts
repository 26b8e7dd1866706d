// Picks the database from configuration: PostgreSQL for a postgres:// URL, otherwise the
// embedded SQLite file in the data directory.
import { join } from 'node:path';
import type { Database } from './database.ts';
import { openPostgres } from './postgres/postgres-database.ts';
import { openSqlite } from './sqlite/sqlite-database.ts';

export interface DatabaseLocation {
  /** `ROTA_DATABASE_URL`: `postgres://…`, `sqlite:<path>`, or undefined for the data directory. */
  readonly url: string | undefined;
  readonly dataDir: string;
}

export function openDatabase({ url, dataDir }: DatabaseLocation): Database {
  if (url?.startsWith('postgres://') || url?.startsWith('postgresql://'))
    return openPostgres({ url });
  const path = url?.startsWith('sqlite:') ? url.slice('sqlite:'.length) : join(dataDir, 'rota.db');
  return openSqlite({ path });
}
