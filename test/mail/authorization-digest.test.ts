// The digest of a user-owned schedule's tick, from the database (issue 13): it says which items
// were skipped for want of the owner's grant and links to re-authorise, and it warns of a grant
// that ends within seven days.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import { buildDigestModel } from '../../src/mail/build-digest-model.ts';
import type { Database } from '../../src/storage/database.ts';
import { mailStore } from '../../src/storage/mail-storage.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { DAY, ownSchedule, seedGrant, seedUser } from '../fixtures/people.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';

const FIRE = parseInstant('2027-01-04T09:00:00Z') as number;
const PUBLIC_URL = 'https://rota.example.test';

describeEachDatabase('the digest of a user-owned schedule', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  /** Ticks a user-owned schedule once, the owner's grant as `grant` makes it; its digest model. */
  async function digestAfterTick(
    database: Database,
    grant: ((tenantId: string, userId: string) => Promise<unknown>) | undefined,
  ) {
    const seeded = await seedEngineSchedule(database.db, {
      cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
      createdAt: FIRE - 3 * DAY,
      nextFireAt: FIRE,
      items: 2,
      dailyBudget: 5,
    });
    const userId = await seedUser(database.db, seeded.tenant, FIRE - 3 * DAY);
    await ownSchedule(database.db, seeded.schedule, userId);
    await grant?.(seeded.tenant, userId);
    await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, FIRE);
    const tick = await database.db.selectFrom('ticks').select('id').executeTakeFirstOrThrow();
    const source = await mailStore(database).content.loadSource(tick.id);
    if (source === undefined) throw new Error('no digest source');
    const model = buildDigestModel(source, {
      publicUrl: PUBLIC_URL,
      minSeverity: null,
      notice: null,
    });
    return { model, scheduleUrl: `${PUBLIC_URL}/schedules/${seeded.schedule}` };
  }

  it('says the items were skipped because the owner never authorised, with the way back', async () => {
    current = await fresh();
    const { model, scheduleUrl } = await digestAfterTick(current.database, undefined);
    expect(model.authorization).toEqual({
      skipped: expect.stringMatching(
        /^2 items did not run: the schedule owner has not authorised Rota, or revoked it\./,
      ) as unknown,
      expiring: null,
      url: scheduleUrl,
    });
    expect(model.skipped.map((s) => s.reason)).toEqual(
      Array(2).fill('the schedule owner has not authorised Rota'),
    );
    expect(model.runs.map((r) => r.error)).toEqual(
      Array(2).fill(expect.stringMatching(/^authorization_failed: Authorization failed: /)),
    );
  });

  it('runs the items and warns when the owner’s grant ends within seven days', async () => {
    current = await fresh();
    const { database } = current;
    const { model, scheduleUrl } = await digestAfterTick(database, (tenantId, userId) =>
      seedGrant(database.db, {
        tenantId,
        userId,
        createdAt: FIRE - 80 * DAY,
        expiresAt: FIRE + 2 * DAY,
      }),
    );
    expect(model.skipped).toEqual([]);
    expect(model.runs.map((r) => r.status)).toEqual(['queued', 'queued']);
    expect(model.authorization).toEqual({
      skipped: null,
      expiring:
        'The schedule owner’s authorisation expires on Wednesday, January 6, 2027, 9:00 AM UTC. Re-authorise before then so that its runs keep going.',
      url: scheduleUrl,
    });
  });
});
