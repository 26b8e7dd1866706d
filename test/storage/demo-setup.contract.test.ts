// `rota demo`'s project, made through the stores the API uses, on both databases: it reads back
// through them as API-made data does, and a second run finds it rather than making another.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { testSecretBox } from '../../src/auth/auth.test-helpers.ts';
import { DEMO_DIGEST, DEMO_PROJECT, setUpDemo } from '../../src/demo/demo-setup.ts';
import { apiStores } from '../../src/storage/api-stores.ts';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { ensureDefaultTenant } from '../../src/storage/tenant-store.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';

/** Wednesday 2027-03-10, 12:00:30 UTC. */
const NOW = Date.UTC(2027, 2, 10, 12, 0, 30);
const PAGE = { after: undefined, limit: 100 };

describeEachDatabase('the demo set up through the stores', (fresh) => {
  let db: TestDatabase;
  let tenantId: string;
  beforeEach(async () => {
    db = await fresh();
    tenantId = (await ensureDefaultTenant(db.database, { id: uuidv7(NOW), now: NOW })).id;
  });
  afterEach(() => db.dispose());

  const demo = () =>
    setUpDemo(db.database, {
      tenantId,
      origin: 'http://127.0.0.1:8080',
      now: NOW,
      newId: () => uuidv7(NOW),
    });

  it('makes a project, an agent, three journeys, a plan and a schedule that read back through the stores', async () => {
    const made = await demo();
    expect(made).toMatchObject({
      created: true,
      siteUrl: 'http://127.0.0.1:8080/demo/shop',
      nextFireAt: Date.UTC(2027, 2, 10, 12, 1),
    });
    const stores = apiStores(db.database, testSecretBox());
    expect(await stores.projects.get(tenantId, made.projectId)).toMatchObject({
      name: DEMO_PROJECT,
    });
    const inProject = { projectId: made.projectId };
    const [agent] = await stores.agents.list(tenantId, inProject, PAGE);
    expect(agent).toMatchObject({ kind: 'builtin', config: { builtin: 'http_journey' } });
    const journeys = await stores.journeys.list(tenantId, inProject, PAGE);
    const nameOf = (id: string) => journeys.find((j) => j.id === id)?.name;
    expect(journeys.find((j) => j.name === 'Fill the cart')?.inputs).toEqual({
      base_url: 'http://127.0.0.1:8080/demo/shop/',
      steps: [
        { name: 'product page', path: './products/teapot', expect_text: 'Teapot' },
        { name: 'cart', path: './cart', expect_text: 'Your cart', severity: 'medium' },
      ],
    });
    const [plan] = await stores.testPlans.list(tenantId, inProject, PAGE);
    // In the order the demo lists them (same-millisecond ids need not sort that way).
    expect(plan?.journey_ids.map(nameOf)).toEqual([
      'Browse the shop',
      'Fill the cart',
      'Check out',
    ]);
    const schedule = await stores.schedules.get(tenantId, made.scheduleId);
    expect(schedule).toMatchObject({
      cadence: { type: 'cron', expression: '* * * * *', timezone: 'UTC' },
      digest_config: DEMO_DIGEST,
      enabled: true,
      next_fire_at: made.nextFireAt,
      owner_id: 'rota-demo',
    });
    const items = await stores.schedules.items(tenantId, made.scheduleId);
    expect(items.map((i) => [i.target_kind, i.priority]).sort()).toEqual([
      ['journey', 0],
      ['journey', 0],
      ['journey', 0],
      ['test_plan', 10],
    ]);
  });

  it('finds the demo on a second run, passing over a project of the same name without a schedule', async () => {
    const stores = apiStores(db.database, testSecretBox());
    await stores.projects.create(tenantId, {
      id: uuidv7(NOW - 1000),
      name: DEMO_PROJECT,
      created_at: NOW,
      updated_at: NOW,
    });
    const first = await demo();
    expect(first.created).toBe(true);
    const again = await demo();
    expect(again).toEqual({ ...first, created: false });
    expect(await stores.projects.named(tenantId, DEMO_PROJECT)).toHaveLength(2);
  });
});
