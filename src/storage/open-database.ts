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
  /** A pooled PostgreSQL connection the server dropped while idle (the pool replaces it). */
  readonly onIdleError?: (error: Error) => void;
}

const isPostgresUrl = (url: string | undefined): boolean =>
  url !== undefined && (url.startsWith('postgres://') || url.startsWith('postgresql://'));

/** The embedded database's file for this location, or undefined when it is PostgreSQL. */
export function sqliteFile({ url, dataDir }: DatabaseLocation): string | undefined {
  if (isPostgresUrl(url)) return undefined;
  return url?.startsWith('sqlite:') ? url.slice('sqlite:'.length) : join(dataDir, 'rota.db');
}

export function openDatabase(location: DatabaseLocation): Database {
  const path = sqliteFile(location);
  if (path !== undefined) return openSqlite({ path });
  return openPostgres({
    url: location.url as string,
    ...(location.onIdleError === undefined ? {} : { onIdleError: location.onIdleError }),
  });
}
