// The worker loop on SQLite and PostgreSQL: bounded concurrency, every queued run executed,
// and a graceful stop that gives unfinished runs back to the queue.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import type { Database } from '../../src/storage/database.ts';
import type { Executor } from '../../src/worker/executor.ts';
import { openPostgres } from '../../src/storage/postgres/postgres-database.ts';
import { Worker } from '../../src/worker/worker.ts';
import {
  describeEachDatabase,
  describePostgres,
  POSTGRES_URL,
  type TestDatabase,
} from '../storage/databases.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';

const T = parseInstant('2027-01-01T01:00:00Z') as number;
const realTimer = (ms: number, fire: () => void) => {
  const handle = setTimeout(fire, ms);
  return { cancel: () => clearTimeout(handle) };
};

const worker = (database: Database, executor: Executor, concurrency: number) =>
  new Worker({
    store: workerStore(database),
    workerId: 'w1',
    concurrency,
    executors: { 'builtin:http_journey': executor },
    now: () => Date.now(),
    timer: realTimer,
    // Only this test's explicit polls look for work.
    pollMs: 3_600_000,
  });

async function queuedRuns(database: Database, count: number) {
  await seedEngineSchedule(database.db, {
    cadence: { type: 'cron', expression: '0 * * * *' },
    createdAt: T - 3_600_000,
    nextFireAt: T,
    items: count,
    dailyBudget: count,
  });
  await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, T);
}

/** An executor that completes every call, and says when it has been called `count` times. */
function counting(count: number): { executor: Executor; called: Promise<void> } {
  let calls = 0;
  let reached!: () => void;
  const called = new Promise<void>((resolve) => (reached = resolve));
  return {
    executor: {
      call() {
        if (++calls === count) reached();
        return Promise.resolve({ output: {}, findings: [], logs: [] });
      },
    },
    called,
  };
}

describeEachDatabase('worker loop', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('executes every queued run, never more at once than its concurrency', async () => {
    current = await fresh();
    const { database } = current;
    await queuedRuns(database, 5);
    let running = 0;
    let most = 0;
    // The first two calls wait for each other: a worker running one at a time would never
    // get past them (the test would time out), so passing shows two really ran together.
    const barrier: (() => void)[] = [];
    let calls = 0;
    const slow: Executor = {
      async call() {
        most = Math.max(most, ++running);
        if (++calls <= 2) {
          await new Promise<void>((resolve) => {
            barrier.push(resolve);
            if (barrier.length === 2) for (const release of barrier) release();
          });
        }
        running--;
        return { output: {}, findings: [], logs: [] };
      },
    };
    const w = worker(database, slow, 2);
    await w.start();
    await w.drain();
    await w.stop(0);
    const statuses = await database.db.selectFrom('runs').select('status').execute();
    expect(statuses.map((r) => r.status)).toEqual(Array(5).fill('completed'));
    expect(most).toBe(2);
    expect(calls).toBe(5);
  });

  it('gives a run that does not finish within the grace period back to the queue', async () => {
    current = await fresh();
    const { database } = current;
    await queuedRuns(database, 1);
    const stuck: Executor = {
      call: ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    };
    const w = worker(database, stuck, 1);
    await w.start();
    await w.stop(0);
    const run = await database.db
      .selectFrom('runs')
      .select(['status', 'attempt', 'lease_owner'])
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'queued', attempt: 2, lease_owner: null });
  });
});

/** Each test's database and what it opened, closed in reverse order after the test. */
function perTest(fresh: () => Promise<TestDatabase>) {
  let current: TestDatabase | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await current?.dispose();
    current = undefined;
  });
  return {
    async open(): Promise<TestDatabase> {
      current = await fresh();
      return current;
    },
    later(close: () => Promise<void>): void {
      closers.push(close);
    },
  };
}

describeEachDatabase('waking idle workers', (fresh) => {
  const scope = perTest(fresh);

  it('takes runs queued by a scheduler elsewhere at once, not at its next poll', async () => {
    const current = await scope.open();
    const { database } = current;
    // On PostgreSQL the scheduler is another replica; SQLite's scheduler shares the process.
    const elsewhere = database.dialect === 'postgres' ? current.reopen() : database;
    if (elsewhere !== database) scope.later(() => elsewhere.close());
    const { executor, called } = counting(3);
    // Its next poll is an hour away: only the notification can bring it to these runs.
    const w = worker(database, executor, 4);
    await w.start();
    scope.later(() => w.stop(0));
    await queuedRuns(elsewhere, 3);
    await called;
    await w.drain();
    const statuses = await database.db.selectFrom('runs').select('status').execute();
    expect(statuses.map((r) => r.status)).toEqual(Array(3).fill('completed'));
  });
});

describePostgres('waking idle workers after a lost connection', (fresh) => {
  const scope = perTest(fresh);

  it('listens again once the server dropped its connection, and looks for work then', async () => {
    const current = await scope.open();
    const { database: elsewhere, spec } = current;
    if (!('schema' in spec)) throw new Error('a PostgreSQL test database has a schema');
    // The worker's process listens again 2 s after a loss: time to queue runs meanwhile.
    const database = openPostgres({
      url: POSTGRES_URL,
      schema: spec.schema,
      maxConnections: 4,
      listenRetryMs: 2_000,
    });
    scope.later(() => database.close());
    const { executor, called } = counting(2);
    const w = worker(database, executor, 4);
    await w.start();
    scope.later(() => w.stop(0));
    // The server ends the listening connection (a restart, a failover, an idle reaper).
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    scope.later(() => admin.end());
    const listening = [
      `listen ${pg.escapeIdentifier(`rota_runs_queued.${spec.schema}`.slice(0, 63))}`,
    ];
    const { rows } = await admin.query<{ terminated: boolean }>(
      'select pg_terminate_backend(pid) as terminated from pg_stat_activity where query = $1',
      listening,
    );
    expect(rows).toEqual([{ terminated: true }]);
    // Queued while nobody listens: that notification reaches no one…
    await queuedRuns(elsewhere, 2);
    const { rows: listeners } = await admin.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where query = $1',
      listening,
    );
    expect(listeners).toEqual([{ n: '0' }]);
    // …and the worker, listening again, looks for work once and finds the runs.
    await called;
    await w.drain();
    const statuses = await database.db.selectFrom('runs').select('status').execute();
    expect(statuses.map((r) => r.status)).toEqual(Array(2).fill('completed'));
  });
});
