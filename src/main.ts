// The composition root: the only place that picks implementations and wires them together.
// The CLI calls these entry points; nothing else in src/ imports this file.
import { mkdirSync } from 'node:fs';
import type { Config } from './config.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { openDatabase, sqliteFile } from './storage/open-database.ts';
import { backupSqlite } from './storage/sqlite/sqlite-backup.ts';

export interface MigrateResult {
  /** Where the database is, without credentials. */
  readonly location: string;
  readonly applied: readonly string[];
}

export async function migrate(config: Config): Promise<MigrateResult> {
  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { applied } = await migrateToLatest(database);
    return { location: describeLocation(config), applied };
  } finally {
    await database.close();
  }
}

function describeLocation(config: Config): string {
  if (config.databaseUrl === undefined) return `${config.dataDir}/rota.db`;
  const url = new URL(config.databaseUrl);
  return url.protocol === 'sqlite:'
    ? config.databaseUrl
    : `${url.protocol}//${url.host}${url.pathname}`;
}

export class BackupUnsupported extends Error {
  readonly code = 'backup_unsupported';
}

/** Copies the embedded database to `destination` while Rota may be running. */
export async function backup(
  config: Config,
  destination: string,
): Promise<{ source: string; pages: number }> {
  const source = sqliteFile({ url: config.databaseUrl, dataDir: config.dataDir });
  if (source === undefined) {
    throw new BackupUnsupported(
      'rota backup copies the embedded SQLite database; back PostgreSQL up with pg_dump.',
    );
  }
  const { pages } = await backupSqlite(source, destination);
  return { source, pages };
}
