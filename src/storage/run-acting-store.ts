// What decides whom a run acts for (core/acting-party.ts): the run's tick, trigger and starter,
// and its schedule's owner, read in one query.
import type { RunActingFacts } from '../core/acting-party.ts';
import type { Database } from './database.ts';

export async function runActingFacts(
  database: Database,
  runId: string,
): Promise<RunActingFacts | undefined> {
  return database.db
    .selectFrom('runs')
    .leftJoin('schedules', 'schedules.id', 'runs.schedule_id')
    .select([
      'runs.tenant_id as tenant_id',
      'runs.tick_id as tick_id',
      'runs.trigger as trigger',
      'runs.triggered_by as triggered_by',
      'schedules.owner_kind as owner_kind',
      'schedules.owner_id as owner_id',
    ])
    .where('runs.id', '=', runId)
    .executeTakeFirst();
}
