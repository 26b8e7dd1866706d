// The clock `rota serve` judges leases and fire times by: this machine's on SQLite's one process,
// the database server's wherever replicas share the database (ADR 12).
import { type Clock } from '../engine/clock.ts';
import { syncedClock } from '../engine/synced-clock.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../storage/database.ts';
import { readDatabaseTime } from '../storage/database-time.ts';
import type { Closers } from './closers.ts';

export async function serveClock(
  database: Database,
  localClock: Clock,
  logger: Logger,
  closers: Closers,
): Promise<Clock> {
  if (database.coordination.singleProcess) return localClock;
  const synced = await syncedClock(localClock, () => readDatabaseTime(database), {
    onError: (error) => logger.warn({ err: error }, 'could not read the database clock'),
  });
  closers.add(() => synced.stop());
  logger.info({ offset_ms: Math.round(synced.offsetMs()) }, 'using the database clock');
  return synced;
}
