// Everything a tick's digest tells, read in one go: the tick, its schedule, project and tenant,
// its runs with their findings, the decision about every item, and the schedule's items with
// their names and last-run times (for "most overdue").
import type { DigestSource } from '../../core/digest-records.ts';
import type { Database } from '../database.ts';
import { readableCadence } from '../firing-rows.ts';
import { latestGrant } from '../grant-store.ts';

export async function loadDigestSource(
  database: Database,
  tickId: string,
): Promise<DigestSource | undefined> {
  const { db } = database;
  const tick = await db.selectFrom('ticks').selectAll().where('id', '=', tickId).executeTakeFirst();
  if (tick === undefined) return undefined;
  const schedule = await db
    .selectFrom('schedules')
    .innerJoin('projects', 'projects.id', 'schedules.project_id')
    .innerJoin('tenants', 'tenants.id', 'schedules.tenant_id')
    .select([
      'schedules.id as id',
      'schedules.name as name',
      'schedules.cadence as cadence',
      'schedules.coverage_window_hours as coverage',
      'projects.name as project',
      'tenants.daily_agent_budget as budget',
      'schedules.owner_kind as owner_kind',
      'schedules.owner_id as owner_id',
    ])
    .where('schedules.id', '=', tick.schedule_id)
    .executeTakeFirst();
  if (schedule === undefined) return undefined;
  const grant =
    schedule.owner_kind === 'user'
      ? await latestGrant(db, tick.tenant_id, schedule.owner_id)
      : undefined;
  const runs = await db
    .selectFrom('runs')
    .select([
      'id',
      'item_id',
      'target_kind',
      'target_id',
      'status',
      'error_code',
      'error_message',
      'agents_spawned',
      'started_at',
      'finished_at',
    ])
    .where('tick_id', '=', tickId)
    .orderBy('queued_at')
    .orderBy('id')
    .execute();
  const findings =
    runs.length === 0
      ? []
      : await db
          .selectFrom('findings')
          .select(['id', 'run_id', 'severity', 'title', 'detail', 'created_at'])
          .where(
            'run_id',
            'in',
            runs.map((r) => r.id),
          )
          .orderBy('created_at')
          .orderBy('id')
          .execute();
  const decisions = await db
    .selectFrom('tick_items')
    .selectAll()
    .where('tick_id', '=', tickId)
    .execute();
  const items = await db
    .selectFrom('schedule_items')
    .select(['id', 'target_kind', 'target_id', 'priority', 'enabled', 'last_run_at', 'created_at'])
    .where('schedule_id', '=', tick.schedule_id)
    .execute();
  const targetIds = [...new Set([...items, ...runs].map((r) => r.target_id))];
  const names = new Map<string, string>();
  if (targetIds.length > 0) {
    for (const table of ['journeys', 'test_plans'] as const) {
      const rows = await db
        .selectFrom(table)
        .select(['id', 'name'])
        .where('id', 'in', targetIds)
        .execute();
      for (const row of rows) names.set(row.id, row.name);
    }
  }
  return {
    tick,
    schedule: {
      id: schedule.id,
      name: schedule.name,
      cadence: readableCadence(schedule.cadence),
      coverageWindowHours: schedule.coverage,
    },
    projectName: schedule.project,
    tenantDailyAgentBudget: schedule.budget,
    runs,
    findings,
    decisions,
    items,
    targetNames: names,
    owner:
      schedule.owner_kind === 'client'
        ? { kind: 'client' }
        : {
            kind: 'user',
            grant:
              grant === undefined ? null : { status: grant.status, expires_at: grant.expires_at },
          },
  };
}
