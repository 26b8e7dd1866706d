// The pre-tick grant check (SPEC section 3 step 5, issue 13): a user-owned schedule's tick still
// happens, but without the owner's live grant its selected items get runs written failed with
// `authorization_failed` and the audit trail says why; with a live grant they are queued.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { manualTrigger } from '../../src/engine/manual-trigger.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import type { FiringStore } from '../../src/engine/scheduler-store.ts';
import type { Database } from '../../src/storage/database.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import { DAY, ownSchedule, seedGrant, seedUser } from '../fixtures/people.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from './seed.ts';

const at = (text: string): number => parseInstant(text) as number;
const CREATED = at('2027-01-01T00:00:00Z');
const FIRE = at('2027-01-04T09:00:00Z');
const DAILY = { type: 'calendar', frequency: 'daily', times: ['09:00'] };
const TROUBLESHOOTING =
  'Go to the Schedule tab, click Authorize to refresh your credentials, and complete the authorization flow.';

/** The firing store, counting how often a batch asks for its owners' grants. */
function countingStore(database: Database): { store: FiringStore; grantReads: () => number } {
  const store = schedulerStore(database).firing;
  let reads = 0;
  return {
    grantReads: () => reads,
    store: {
      ...store,
      fireDue: (request, onTaken, fire) =>
        store.fireDue(request, onTaken, (due, trx) =>
          fire(due, {
            ...trx,
            ownerGrants: (schedules, now) => {
              reads++;
              return trx.ownerGrants(schedules, now);
            },
          }),
        ),
    },
  };
}

async function runsOf(database: Database, scheduleId: string) {
  return database.db
    .selectFrom('runs')
    .select(['status', 'error_code', 'error_message', 'agents_spawned', 'tick_id'])
    .where('schedule_id', '=', scheduleId)
    .execute();
}

async function decisionsOf(database: Database, tickId: string) {
  return database.db
    .selectFrom('tick_items')
    .select(['outcome', 'reason'])
    .where('tick_id', '=', tickId)
    .execute();
}

describeEachDatabase('the pre-tick grant check', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  /** A daily schedule of two journeys owned by a new user, due at FIRE. */
  async function userSchedule(database: Database, tenantId?: string) {
    const seeded = await seedEngineSchedule(database.db, {
      cadence: DAILY,
      createdAt: CREATED,
      nextFireAt: FIRE,
      items: 2,
      dailyBudget: 10,
      ...(tenantId === undefined ? {} : { tenantId }),
    });
    const userId = await seedUser(database.db, seeded.tenant, CREATED);
    await ownSchedule(database.db, seeded.schedule, userId);
    return { ...seeded, userId };
  }

  it('fails the runs of a schedule whose owner never authorised, reason authorization_required', async () => {
    current = await fresh();
    const { database } = current;
    const { schedule } = await userSchedule(database);
    const report = await runSchedulerPass(
      { store: schedulerStore(database).firing, newId: randomUUID },
      FIRE + 1_000,
    );
    expect(report.ticks).toBe(1);
    const runs = await runsOf(database, schedule);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run).toMatchObject({
        status: 'failed',
        error_code: 'authorization_failed',
        agents_spawned: 0,
      });
      expect(run.error_message).toBe(
        `Authorization failed: the schedule’s owner has not authorised Rota to act on their behalf. ${TROUBLESHOOTING}`,
      );
    }
    expect(await decisionsOf(database, runs[0]!.tick_id!)).toEqual([
      { outcome: 'skipped', reason: 'authorization_required' },
      { outcome: 'skipped', reason: 'authorization_required' },
    ]);
  });

  it('reads every owner grant of a batch in one query, and judges each owner by their own grant', async () => {
    current = await fresh();
    const { database } = current;
    const none = await userSchedule(database);
    const live = await userSchedule(database, none.tenant);
    const lapsed = await userSchedule(database, none.tenant);
    const gone = await userSchedule(database, none.tenant);
    const client = await seedEngineSchedule(database.db, {
      cadence: DAILY,
      createdAt: CREATED,
      nextFireAt: FIRE,
      tenantId: none.tenant,
    });
    const tenantId = none.tenant;
    await seedGrant(database.db, {
      tenantId,
      userId: live.userId,
      createdAt: CREATED,
      expiresAt: FIRE + 90 * DAY,
    });
    // An expired grant: it ended an hour before the tick.
    await seedGrant(database.db, {
      tenantId,
      userId: lapsed.userId,
      createdAt: CREATED - 90 * DAY,
      expiresAt: FIRE - 3_600_000,
    });
    // A live grant replaced by a newer, revoked one: the latest grant decides.
    await seedGrant(database.db, {
      tenantId,
      userId: gone.userId,
      createdAt: CREATED - DAY,
      expiresAt: FIRE + 90 * DAY,
    });
    await seedGrant(database.db, {
      tenantId,
      userId: gone.userId,
      status: 'revoked',
      createdAt: CREATED,
      expiresAt: FIRE + 90 * DAY,
    });
    const { store, grantReads } = countingStore(database);
    const report = await runSchedulerPass({ store, newId: randomUUID }, FIRE + 1_000);
    expect(report.ticks).toBe(5);
    expect(grantReads()).toBe(1);

    const statuses = async (scheduleId: string) =>
      (await runsOf(database, scheduleId)).map((r) => `${r.status} ${r.error_code ?? '-'}`);
    expect(await statuses(none.schedule)).toEqual(Array(2).fill('failed authorization_failed'));
    expect(await statuses(live.schedule)).toEqual(['queued -', 'queued -']);
    expect(await statuses(lapsed.schedule)).toEqual(Array(2).fill('failed authorization_failed'));
    expect(await statuses(gone.schedule)).toEqual(Array(2).fill('failed authorization_failed'));
    expect(await statuses(client.schedule)).toEqual(['queued -']);

    const reasons = async (scheduleId: string) => {
      const [run] = await runsOf(database, scheduleId);
      return (await decisionsOf(database, run!.tick_id!)).map((d) => d.reason);
    };
    expect(await reasons(live.schedule)).toEqual([null, null]);
    expect(await reasons(lapsed.schedule)).toEqual(Array(2).fill('authorization_expired'));
    expect(await reasons(gone.schedule)).toEqual(Array(2).fill('authorization_required'));
    const [expired] = await runsOf(database, lapsed.schedule);
    expect(expired!.error_message).toBe(
      `Authorization failed: the schedule’s owner has an authorisation that expired. ${TROUBLESHOOTING}`,
    );
    const [revoked] = await runsOf(database, gone.schedule);
    expect(revoked!.error_message).toContain('has an authorisation that was revoked');
  });

  it('judges a grant at the pass’s clock: a grant live at creation has expired by a later tick', async () => {
    current = await fresh();
    const { database } = current;
    const { schedule, tenant, userId } = await userSchedule(database);
    await seedGrant(database.db, {
      tenantId: tenant,
      userId,
      createdAt: CREATED,
      expiresAt: FIRE + DAY / 2,
    });
    const deps = { store: schedulerStore(database).firing, newId: randomUUID };
    await runSchedulerPass(deps, FIRE + 1_000);
    expect((await runsOf(database, schedule)).map((r) => r.status)).toEqual(['queued', 'queued']);
    // The first tick's runs end, so that the next tick has no overlap to skip for.
    await database.db
      .updateTable('runs')
      .set({ status: 'completed', finished_at: FIRE + 60_000 })
      .where('schedule_id', '=', schedule)
      .execute();
    await runSchedulerPass(deps, FIRE + DAY + 1_000);
    const next = (await runsOf(database, schedule)).filter((r) => r.status !== 'completed');
    expect(next.map((r) => `${r.status} ${r.error_code}`)).toEqual(
      Array(2).fill('failed authorization_failed'),
    );
    expect((await decisionsOf(database, next[0]!.tick_id!)).map((d) => d.reason)).toEqual(
      Array(2).fill('authorization_expired'),
    );
    // The expiry is in the audit log once, however many ticks find it.
    await runSchedulerPass(deps, FIRE + 2 * DAY + 1_000);
    const expiries = await database.db
      .selectFrom('audit_log')
      .select(['tenant_id', 'actor_kind', 'target_kind'])
      .where('action', '=', 'grant.expire')
      .execute();
    expect(expiries).toEqual([{ tenant_id: tenant, actor_kind: 'system', target_kind: 'grant' }]);
  });

  it('fails a manual trigger’s runs for a revoked grant, and runs them once the owner authorises again', async () => {
    current = await fresh();
    const { database } = current;
    const { schedule, tenant, userId } = await userSchedule(database);
    await seedGrant(database.db, {
      tenantId: tenant,
      userId,
      status: 'revoked',
      createdAt: CREATED,
      expiresAt: FIRE + 90 * DAY,
    });
    const trigger = manualTrigger({ store: schedulerStore(database).firing, newId: randomUUID });
    const first = await trigger.trigger(schedule, FIRE);
    expect(first).toBeDefined();
    expect((await decisionsOf(database, first!)).map((d) => d.reason)).toEqual(
      Array(2).fill('authorization_required'),
    );
    await seedGrant(database.db, {
      tenantId: tenant,
      userId,
      createdAt: FIRE + 60_000,
      expiresAt: FIRE + 90 * DAY,
    });
    const second = await trigger.trigger(schedule, FIRE + 120_000);
    expect((await decisionsOf(database, second!)).map((d) => d.outcome)).toEqual([
      'selected',
      'selected',
    ]);
    const runs = await runsOf(database, schedule);
    expect(runs.filter((r) => r.tick_id === second).map((r) => r.status)).toEqual([
      'queued',
      'queued',
    ]);
  });
});
