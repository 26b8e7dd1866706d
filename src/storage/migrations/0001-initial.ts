// The first schema: tenants, the registry, schedules and items, ticks and their audit trail,
// missed fire times, runs with steps, logs and findings, and named locks. Identity lives in
// unique indexes: one scheduled tick per (schedule, fire time), one run per (tick, item), one
// missed record per (schedule, first fire time) (ARCHITECTURE habit 4).
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Dialect } from '../database.ts';

// Kysely's migrator hands migrations an untyped database: the schema is being created.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const timestamps = (t: ReturnType<Db['schema']['createTable']>) =>
  t
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull());

const tenantScoped = (db: Db, table: string) =>
  db.schema
    .createTable(table)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) =>
      c.notNull().references('tenants.id').onDelete('cascade'),
    );

async function callees(db: Db, table: 'agents' | 'tools'): Promise<void> {
  await timestamps(
    tenantScoped(db, table)
      .addColumn('project_id', 'text', (c) =>
        c.notNull().references('projects.id').onDelete('cascade'),
      )
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('input_schema', 'text')
      .addColumn('output_schema', 'text')
      .addColumn('timeout_seconds', 'integer')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)),
  ).execute();
}

export const initial = (dialect: Dialect): Migration => ({
  async up(db: Db): Promise<void> {
    await timestamps(
      db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('daily_agent_budget', 'integer'),
    ).execute();

    await timestamps(
      tenantScoped(db, 'projects').addColumn('name', 'text', (c) => c.notNull()),
    ).execute();
    await callees(db, 'agents');
    await callees(db, 'tools');

    await timestamps(
      tenantScoped(db, 'journeys')
        .addColumn('project_id', 'text', (c) =>
          c.notNull().references('projects.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
        .addColumn('inputs', 'text', (c) => c.notNull()),
    ).execute();
    await timestamps(
      tenantScoped(db, 'test_plans')
        .addColumn('project_id', 'text', (c) =>
          c.notNull().references('projects.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull()),
    ).execute();
    await db.schema
      .createTable('test_plan_journeys')
      .addColumn('test_plan_id', 'text', (c) =>
        c.notNull().references('test_plans.id').onDelete('cascade'),
      )
      .addColumn('journey_id', 'text', (c) => c.notNull().references('journeys.id'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('test_plan_journeys_pk', ['test_plan_id', 'position'])
      .execute();

    await timestamps(
      tenantScoped(db, 'schedules')
        .addColumn('project_id', 'text', (c) =>
          c.notNull().references('projects.id').onDelete('cascade'),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('cadence', 'text', (c) => c.notNull())
        .addColumn('coverage_window_hours', 'integer', (c) => c.notNull())
        .addColumn('daily_budget', 'integer')
        .addColumn('overlap_policy', 'text', (c) => c.notNull())
        .addColumn('catchup_policy', 'text', (c) => c.notNull())
        .addColumn('catchup_window_hours', 'integer', (c) => c.notNull())
        .addColumn('tick_deadline_minutes', 'integer', (c) => c.notNull())
        .addColumn('pause_after_failures', 'integer')
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('pause_note', 'text')
        .addColumn('digest_config', 'text')
        .addColumn('owner_kind', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('next_fire_at', 'bigint')
        .addColumn('last_tick_at', 'bigint'),
    ).execute();
    // The scheduler's question: which enabled schedules are due?
    await db.schema
      .createIndex('schedules_due')
      .on('schedules')
      .columns(['next_fire_at'])
      .where(sql.ref('enabled'), '=', 1)
      .execute();

    await timestamps(
      tenantScoped(db, 'schedule_items')
        .addColumn('schedule_id', 'text', (c) =>
          c.notNull().references('schedules.id').onDelete('cascade'),
        )
        .addColumn('target_kind', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('last_run_at', 'bigint')
        .addUniqueConstraint('schedule_items_target', ['schedule_id', 'target_kind', 'target_id']),
    ).execute();

    await tenantScoped(db, 'ticks')
      .addColumn('schedule_id', 'text', (c) =>
        c.notNull().references('schedules.id').onDelete('cascade'),
      )
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('fire_time', 'bigint', (c) => c.notNull())
      .addColumn('per_tick_budget', 'integer', (c) => c.notNull())
      .addColumn('tenant_left', 'integer')
      .addColumn('deadline_at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text')
      .addColumn('ended_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    // However many schedulers race, a fire time is ticked once; manual ticks may repeat.
    await db.schema
      .createIndex('ticks_one_per_fire_time')
      .unique()
      .on('ticks')
      .columns(['schedule_id', 'fire_time'])
      .where(sql.ref('trigger'), '<>', 'manual')
      .execute();
    await db.schema
      .createIndex('ticks_by_schedule')
      .on('ticks')
      .columns(['schedule_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('tick_items')
      .addColumn('tick_id', 'text', (c) => c.notNull().references('ticks.id').onDelete('cascade'))
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer')
      .addColumn('score', 'double precision')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('errors', 'text')
      .addPrimaryKeyConstraint('tick_items_pk', ['tick_id', 'item_id'])
      .execute();

    await tenantScoped(db, 'missed_fire_times')
      .addColumn('schedule_id', 'text', (c) =>
        c.notNull().references('schedules.id').onDelete('cascade'),
      )
      .addColumn('from_time', 'bigint', (c) => c.notNull())
      .addColumn('to_time', 'bigint', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('missed_one_per_fire_time', ['schedule_id', 'from_time'])
      .execute();

    await timestamps(
      tenantScoped(db, 'runs')
        .addColumn('project_id', 'text', (c) =>
          c.notNull().references('projects.id').onDelete('cascade'),
        )
        .addColumn('target_kind', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('triggered_by', 'text')
        .addColumn('tick_id', 'text', (c) => c.references('ticks.id').onDelete('set null'))
        .addColumn('schedule_id', 'text', (c) => c.references('schedules.id').onDelete('set null'))
        .addColumn('item_id', 'text')
        .addColumn('parameters', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('scheduled_for', 'bigint')
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('finished_at', 'bigint')
        .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('agents_spawned', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('usage', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('error_step', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('after_run_id', 'text'),
    ).execute();
    // One scheduled run per selected item of a tick, however often the tick is retried.
    await db.schema
      .createIndex('runs_one_per_tick_item')
      .unique()
      .on('runs')
      .columns(['tick_id', 'item_id'])
      .where(sql.ref('tick_id'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('runs_claimable')
      .on('runs')
      .columns(['queued_at'])
      .where(sql.ref('status'), '=', 'queued')
      .execute();
    await db.schema
      .createIndex('runs_by_tenant')
      .on('runs')
      .columns(['tenant_id', 'created_at'])
      .execute();
    await db.schema.createIndex('runs_by_tick').on('runs').columns(['tick_id']).execute();

    await db.schema
      .createTable('run_steps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('step_key', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('callee_kind', 'text', (c) => c.notNull())
      .addColumn('callee_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('input', 'text')
      .addColumn('output', 'text')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .addUniqueConstraint('run_steps_position', ['run_id', 'position'])
      .execute();

    await db.schema
      .createTable('step_logs')
      .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) =>
        dialect === 'sqlite'
          ? c.primaryKey().autoIncrement()
          : c.primaryKey().generatedAlwaysAsIdentity(),
      )
      .addColumn('step_id', 'text', (c) =>
        c.notNull().references('run_steps.id').onDelete('cascade'),
      )
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('level', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('step_logs_by_step')
      .on('step_logs')
      .columns(['step_id', 'id'])
      .execute();

    await db.schema
      .createTable('findings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
      .addColumn('step_id', 'text', (c) => c.references('run_steps.id').onDelete('cascade'))
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('detail', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('locks')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('fence', 'integer', (c) => c.notNull())
      .execute();
  },
});
