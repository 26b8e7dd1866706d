// `rota backup <file>`: a consistent copy of the embedded database, while Rota may be running.
import type { Config } from '../config.ts';
import { sqliteFile } from '../storage/open-database.ts';
import { backupSqlite } from '../storage/sqlite/sqlite-backup.ts';

export class BackupUnsupported extends Error {
  readonly code = 'backup_unsupported';
}

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
