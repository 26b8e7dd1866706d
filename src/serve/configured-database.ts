// The database the configuration names, opened for a command or for `rota serve`; the data
// directory is created for the embedded one.
import { mkdirSync } from 'node:fs';
import type { Config } from '../config.ts';
import type { Database } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { openDatabase } from '../storage/open-database.ts';
import { ensureDefaultTenant } from '../storage/tenant-store.ts';

export function openConfiguredDatabase(
  config: Config,
  onIdleError?: (error: Error) => void,
): Database {
  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    ...(onIdleError === undefined ? {} : { onIdleError }),
  });
}

/** Where the database is, without credentials: the SQLite file, or PostgreSQL's host and name. */
export function describeLocation(config: Config): string {
  if (config.databaseUrl === undefined) return `${config.dataDir}/rota.db`;
  const url = new URL(config.databaseUrl);
  return url.protocol === 'sqlite:'
    ? config.databaseUrl
    : `${url.protocol}//${url.host}${url.pathname}`;
}

/** Opens the configured database, hands it to `work`, and closes it whatever happens. */
export async function withConfiguredDatabase<T>(
  config: Config,
  work: (database: Database) => Promise<T>,
): Promise<T> {
  const database = openConfiguredDatabase(config);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

/** What every start needs: the schema up to date and a tenant to work in. */
export async function prepareDatabase(database: Database, tenantId: string, now: number) {
  const { applied } = await migrateToLatest(database);
  const tenant = await ensureDefaultTenant(database, { id: tenantId, now });
  return { applied, tenant };
}
