// An online backup of the embedded database: SQLite's backup API copies a consistent snapshot
// while the scheduler and workers keep writing.
import BetterSqlite3 from 'better-sqlite3';

export async function backupSqlite(
  source: string,
  destination: string,
): Promise<{ pages: number }> {
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(destination);
    return { pages: totalPages };
  } finally {
    db.close();
  }
}
