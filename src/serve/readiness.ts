// `GET /readyz`: ready while the database answers and the process is not stopping.
import type { Readiness } from '../http/app.ts';
import type { Database } from '../storage/database.ts';
import { pingDatabase } from '../storage/database-time.ts';

export async function readiness(database: Database, stopping: boolean): Promise<Readiness> {
  let databaseCheck = 'ok';
  try {
    await pingDatabase(database);
  } catch (error) {
    databaseCheck = `unreachable: ${(error as Error).message}`;
  }
  const checks = { database: databaseCheck, process: stopping ? 'stopping' : 'ok' };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}
