// Minimal rows for storage tests, written straight through the query layer.
import type { Insertable, Kysely } from 'kysely';
import type { ScheduleTable, Schema } from '../../src/storage/schema.ts';

export const T0 = Date.UTC(2027, 2, 14, 7, 30);
let next = 0;
export const id = (prefix: string): string => `${prefix}-${String(++next).padStart(6, '0')}`;

/** A schedule row with Rota's defaults; `over` names the ids, times and anything else. */
export const scheduleRow = (
  over: Pick<
    Insertable<ScheduleTable>,
    'id' | 'tenant_id' | 'project_id' | 'next_fire_at' | 'created_at'
  > &
    Partial<Insertable<ScheduleTable>>,
): Insertable<ScheduleTable> => ({
  name: 'nightly',
  cadence: JSON.stringify({ type: 'cron', expression: '30 2 * * *' }),
  coverage_window_hours: 120,
  daily_budget: null,
  overlap_policy: 'skip',
  catchup_policy: 'latest',
  catchup_window_hours: 24,
  tick_deadline_minutes: 60,
  pause_after_failures: null,
  consecutive_failures: 0,
  enabled: 1,
  pause_note: null,
  digest_config: null,
  owner_kind: 'client',
  owner_id: 'client-1',
  last_tick_at: null,
  updated_at: over.created_at,
  ...over,
});

export async function seedSchedule(db: Kysely<Schema>) {
  const tenant = id('tenant');
  const project = id('project');
  const schedule = id('schedule');
  const item = id('item');
  await db
    .insertInto('tenants')
    .values({
      id: tenant,
      name: tenant,
      timezone: 'UTC',
      daily_agent_budget: 200,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
  await db
    .insertInto('projects')
    .values({ id: project, tenant_id: tenant, name: 'p', created_at: T0, updated_at: T0 })
    .execute();
  await db
    .insertInto('schedules')
    .values(
      scheduleRow({
        id: schedule,
        tenant_id: tenant,
        project_id: project,
        next_fire_at: T0,
        created_at: T0,
      }),
    )
    .execute();
  await db
    .insertInto('schedule_items')
    .values({
      id: item,
      tenant_id: tenant,
      schedule_id: schedule,
      target_kind: 'journey',
      target_id: id('journey'),
      priority: 0,
      parameters: '{}',
      enabled: 1,
      last_run_at: null,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
  return { tenant, project, schedule, item };
}

export const tickRow = (
  tenant: string,
  schedule: string,
  fireTime: number,
  trigger: 'schedule' | 'catchup' | 'manual' = 'schedule',
) => ({
  id: id('tick'),
  tenant_id: tenant,
  schedule_id: schedule,
  trigger,
  fire_time: fireTime,
  per_tick_budget: 1,
  tenant_left: null,
  deadline_at: fireTime + 3_600_000,
  outcome: null,
  ended_at: null,
  created_at: fireTime,
});

export const runRow = (
  seed: { tenant: string; project: string; schedule: string; item: string },
  tickId: string | null,
) => ({
  id: id('run'),
  tenant_id: seed.tenant,
  project_id: seed.project,
  target_kind: 'journey' as const,
  target_id: 'journey-x',
  trigger: tickId === null ? ('api' as const) : ('schedule' as const),
  triggered_by: null,
  tick_id: tickId,
  schedule_id: tickId === null ? null : seed.schedule,
  item_id: tickId === null ? null : seed.item,
  parameters: '{}',
  status: 'queued' as const,
  scheduled_for: T0,
  queued_at: T0,
  started_at: null,
  finished_at: null,
  attempt: 1,
  max_attempts: 2,
  agents_spawned: 0,
  usage: null,
  error_code: null,
  error_message: null,
  error_step: null,
  lease_owner: null,
  lease_until: null,
  fence: 0,
  after_run_id: null,
  created_at: T0,
  updated_at: T0,
});
