// A tenant, a project, an agent and journeys, and a schedule over them, as the engine sees them.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parseCadence } from '../../src/core/cadence-parse.ts';
import type { Schema } from '../../src/storage/schema.ts';
import { scheduleRow } from '../storage/fixtures.ts';

export interface SeedOptions {
  readonly cadence: object;
  /** When the schedule was created, and where its next fire time starts. */
  readonly createdAt: number;
  readonly nextFireAt: number;
  readonly items?: number;
  readonly catchupPolicy?: 'all' | 'latest' | 'none';
  readonly catchupWindowHours?: number;
  readonly overlapPolicy?: 'skip' | 'buffer_one' | 'allow' | 'cancel_other';
  readonly dailyBudget?: number | null;
  /** Seed into this existing tenant instead of a new one. */
  readonly tenantId?: string;
}

export async function seedEngineSchedule(db: Kysely<Schema>, options: SeedOptions) {
  const parsed = parseCadence(options.cadence, { reference: options.createdAt });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const at = options.createdAt;
  const stamp = { created_at: at, updated_at: at };
  const tenant = options.tenantId ?? randomUUID();
  const project = randomUUID();
  const agent = randomUUID();
  const schedule = randomUUID();
  if (options.tenantId === undefined) {
    await db
      .insertInto('tenants')
      .values({ id: tenant, name: tenant, timezone: 'UTC', daily_agent_budget: 200, ...stamp })
      .execute();
  }
  await db
    .insertInto('projects')
    .values({ id: project, tenant_id: tenant, name: 'shop', ...stamp })
    .execute();
  await db
    .insertInto('agents')
    .values({
      id: agent,
      tenant_id: tenant,
      project_id: project,
      name: 'walker',
      kind: 'builtin',
      config: '{"builtin":"http_journey"}',
      input_schema: null,
      output_schema: null,
      timeout_seconds: null,
      version: 1,
      ...stamp,
    })
    .execute();
  await db
    .insertInto('schedules')
    .values(
      scheduleRow({
        id: schedule,
        tenant_id: tenant,
        project_id: project,
        name: 'checks',
        cadence: JSON.stringify(parsed.value),
        daily_budget: options.dailyBudget ?? null,
        overlap_policy: options.overlapPolicy ?? 'skip',
        catchup_policy: options.catchupPolicy ?? 'latest',
        catchup_window_hours: options.catchupWindowHours ?? 24,
        next_fire_at: options.nextFireAt,
        created_at: at,
      }),
    )
    .execute();
  const items: string[] = [];
  for (let i = 0; i < (options.items ?? 1); i++) {
    const journey = randomUUID();
    const item = randomUUID();
    items.push(item);
    await db
      .insertInto('journeys')
      .values({
        id: journey,
        tenant_id: tenant,
        project_id: project,
        name: `journey ${i}`,
        description: null,
        agent_id: agent,
        inputs: '{}',
        ...stamp,
      })
      .execute();
    await db
      .insertInto('schedule_items')
      .values({
        id: item,
        tenant_id: tenant,
        schedule_id: schedule,
        target_kind: 'journey',
        target_id: journey,
        priority: 0,
        parameters: '{}',
        enabled: 1,
        last_run_at: null,
        ...stamp,
      })
      .execute();
  }
  return { tenant, project, schedule, items };
}
