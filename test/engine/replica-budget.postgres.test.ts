// Two scheduler replicas firing schedules of one tenant at the same instant share its daily
// agent budget: the second plans against a spend that counts the first one's runs, never a
// stale one (SPEC section 3 step 2, section 11).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass, type PassReport } from '../../src/engine/scheduler-pass.ts';
import type { Database } from '../../src/storage/database.ts';
import { describePostgres, POSTGRES_URL, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from './seed.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';

const T = parseInstant('2027-01-04T09:00:00Z') as number;
const HOURLY = { type: 'cron', expression: '0 * * * *' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describePostgres('a tenant budget across scheduler replicas', (fresh) => {
  let current: TestDatabase | undefined;
  const replicas: Database[] = [];
  afterEach(async () => {
    for (const replica of replicas.splice(0)) await replica.close();
    await current?.dispose();
    current = undefined;
  });

  it('makes the second replica plan against the first one’s runs', async () => {
    current = await fresh();
    const { database, spec } = current;
    const first = await seedEngineSchedule(database.db, {
      cadence: HOURLY,
      createdAt: T - 86_400_000,
      nextFireAt: T,
      items: 3,
      dailyBudget: 3,
    });
    await seedEngineSchedule(database.db, {
      cadence: HOURLY,
      createdAt: T - 86_400_000,
      nextFireAt: T,
      items: 3,
      dailyBudget: 3,
      tenantId: first.tenant,
    });
    // Four agents a day for the tenant: the two ticks want six between them.
    await database.db
      .updateTable('tenants')
      .set({ daily_agent_budget: 4 })
      .where('id', '=', first.tenant)
      .execute();
    const [a, b] = [current.reopen(), current.reopen()];
    replicas.push(a, b);

    // Replica A claims one schedule, reads the spend, and stops before writing its tick.
    let reached!: () => void;
    const atPause = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const passA = runSchedulerPass(
      {
        store: schedulerStore(a).firing,
        newId: randomUUID,
        holder: 'replica-a',
        batchSize: 1,
        pausePoints: {
          beforeTickWrite: () => {
            reached();
            return gate;
          },
        },
      },
      T,
    );
    await atPause;
    // Replica B takes the other schedule meanwhile.
    let passBDone = false;
    const passB = runSchedulerPass(
      { store: schedulerStore(b).firing, newId: randomUUID, holder: 'replica-b', batchSize: 1 },
      T,
    ).finally(() => (passBDone = true));
    // Until B either waits for A's hold on the tenant's budget or, without one, is done.
    const schema = 'schema' in spec ? spec.schema : 'public';
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    let waiting = false;
    for (let i = 0; i < 200 && !waiting && !passBDone; i++) {
      const { rows } = await admin.query<{ n: string }>(
        `select count(*) as n from pg_locks where locktype = 'tuple' and relation = to_regclass($1)`,
        [`${schema}.tenants`],
      );
      waiting = Number(rows[0]!.n) > 0;
      if (!waiting) await sleep(25);
    }
    await admin.end();
    release();
    const reports: PassReport[] = await Promise.all([passA, passB]);
    expect(reports.map((r) => r.ticks)).toEqual([1, 1]);

    const runs = await database.db
      .selectFrom('runs')
      .select((eb) => eb.fn.sum<number>('agents_spawned').as('agents'))
      .where('tenant_id', '=', first.tenant)
      .executeTakeFirstOrThrow();
    expect(Number(runs.agents)).toBe(4);
    const refused = await database.db
      .selectFrom('tick_items')
      .select('reason')
      .where('outcome', '=', 'skipped')
      .execute();
    expect(refused.map((r) => r.reason)).toEqual(['tenant_budget', 'tenant_budget']);
    // And it was so because B waited for A, not because of the order they happened to run in.
    expect(waiting).toBe(true);
  });
});
