// Runs for the on-behalf-of tests: a schedule over an http agent, its ticks, and runs written
// straight into the database the way a tick or POST /runs writes them.
import { randomUUID } from 'node:crypto';
import { AUTH_T0 } from '../../src/auth/auth.test-helpers.ts';
import type { Database } from '../../src/storage/database.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { DAY, ownSchedule, seedUser } from '../fixtures/people.ts';

/**
 * A schedule (its owner a new user, or the fixture's client) whose tick wrote a run queued for
 * an http agent at `agentUrl`.
 */
export async function tickRun(database: Database, owner: 'user' | 'client', agentUrl: string) {
  const seeded = await seedEngineSchedule(database.db, {
    cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
    createdAt: AUTH_T0 - DAY,
    nextFireAt: AUTH_T0,
  });
  await database.db
    .updateTable('agents')
    .set({ kind: 'http', config: JSON.stringify({ url: agentUrl }) })
    .execute();
  const userId = await seedUser(database.db, seeded.tenant, AUTH_T0 - DAY);
  if (owner === 'user') await ownSchedule(database.db, seeded.schedule, userId);
  const tickId = await insertTick(database, seeded, AUTH_T0);
  const runId = await insertRun(database, seeded, { tick_id: tickId, trigger: 'schedule' });
  return { ...seeded, userId, tickId, runId };
}

export async function insertTick(
  database: Database,
  seeded: { tenant: string; schedule: string },
  fireTime: number,
): Promise<string> {
  const id = randomUUID();
  await database.db
    .insertInto('ticks')
    .values({
      id,
      tenant_id: seeded.tenant,
      schedule_id: seeded.schedule,
      trigger: 'schedule',
      fire_time: fireTime,
      per_tick_budget: 1,
      tenant_left: null,
      deadline_at: fireTime + 3_600_000,
      outcome: null,
      ended_at: null,
      created_at: fireTime,
    })
    .execute();
  return id;
}

export async function insertRun(
  database: Database,
  seeded: { tenant: string; project: string; schedule: string; items: string[] },
  how: { tick_id: string | null; trigger: 'schedule' | 'manual' | 'api'; by?: string },
): Promise<string> {
  const journey = await database.db.selectFrom('journeys').select('id').executeTakeFirstOrThrow();
  const id = randomUUID();
  await database.db
    .insertInto('runs')
    .values({
      id,
      tenant_id: seeded.tenant,
      project_id: seeded.project,
      target_kind: 'journey',
      target_id: journey.id,
      trigger: how.trigger,
      triggered_by: how.by ?? null,
      tick_id: how.tick_id,
      schedule_id: how.tick_id === null ? null : seeded.schedule,
      item_id: how.tick_id === null ? null : seeded.items[0]!,
      parameters: '{}',
      status: 'queued',
      scheduled_for: null,
      queued_at: AUTH_T0,
      started_at: null,
      finished_at: null,
      attempt: 1,
      max_attempts: 2,
      agents_spawned: 1,
      usage: null,
      error_code: null,
      error_message: null,
      error_step: null,
      lease_owner: null,
      lease_until: null,
      fence: 0,
      after_run_id: null,
      dispatch_at: null,
      created_at: AUTH_T0,
      updated_at: AUTH_T0,
    })
    .execute();
  return id;
}
