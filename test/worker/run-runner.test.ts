// A scheduled journey run end to end, on SQLite and PostgreSQL: tick → queued run → a worker
// claims it and walks the journey's HTTP checks against a real site on loopback.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import type { Database } from '../../src/storage/database.ts';
import { addFindings, ensureSteps } from '../../src/storage/run-step-store.ts';
import { recoverExpiredLeases } from '../../src/storage/run-store.ts';
import { httpJourneyAgent } from '../../src/worker/executors/builtin/http-journey.ts';
import { parseAllowList } from '../../src/worker/net/address-policy.ts';
import { StepFailed } from '../../src/worker/executor.ts';
import { executeRun } from '../../src/worker/run-runner.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';

let site: Server;
let base: string;
beforeAll(async () => {
  site = createServer((request, response) => {
    if (request.url === '/broken') response.writeHead(500).end('oops');
    else response.end('<h1>Welcome to the shop</h1>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

const T = parseInstant('2027-01-01T01:00:00Z') as number;
const LEASE = 60_000;

const runner = (database: Database, allow: string[]) => ({
  store: workerStore(database),
  now: () => Date.now(),
  executors: {
    'builtin:http_journey': httpJourneyAgent({
      allow: parseAllowList(allow),
      now: () => Date.now(),
    }),
  },
  leaseMs: LEASE,
  heartbeatMs: 10_000,
});

describeEachDatabase('running a journey', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  async function queuedJourneyRun(database: Database) {
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: T - 3_600_000,
      nextFireAt: T,
    });
    const inputs = {
      base_url: base,
      steps: [
        { name: 'home', path: '/', expect_text: 'Welcome' },
        { name: 'pay', path: '/broken', severity: 'critical' },
      ],
    };
    await database.db
      .updateTable('journeys')
      .set({ inputs: JSON.stringify(inputs) })
      .execute();
    await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, T);
    const [run] = await workerStore(database).claimRuns({
      workerId: 'w',
      now: Date.now(),
      leaseMs: LEASE,
      limit: 1,
    });
    return run!;
  }

  it('walks the checks, records the step, its logs and a finding per failed check, and completes', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    expect(await executeRun(runner(database, ['127.0.0.1']), run)).toBe('completed');
    const stored = await database.db
      .selectFrom('runs')
      .select(['status', 'agents_spawned', 'lease_owner'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'completed', agents_spawned: 1, lease_owner: null });
    const step = await database.db
      .selectFrom('run_steps')
      .select(['status', 'output', 'input'])
      .executeTakeFirstOrThrow();
    expect(step.status).toBe('completed');
    expect(JSON.parse(step.output!)).toMatchObject({ passed: 1, failed: 1 });
    expect(JSON.parse(step.input!)).toMatchObject({ base_url: base });
    const logs = await database.db
      .selectFrom('step_logs')
      .select(['level', 'message'])
      .orderBy('id')
      .execute();
    expect(logs.map((l) => l.level)).toEqual(['info', 'warn']);
    const findings = await database.db
      .selectFrom('findings')
      .select(['severity', 'title'])
      .execute();
    expect(findings).toEqual([{ severity: 'critical', title: 'pay: expected HTTP 200, got 500' }]);
  });

  it('fails the run with target_unreachable when no check reached the site, keeping each check’s finding', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await database.db
      .updateTable('journeys')
      .set({ inputs: JSON.stringify({ base_url: gone, steps: [{ name: 'home', path: '/' }] }) })
      .execute();
    expect(await executeRun(runner(database, ['127.0.0.1']), run)).toBe('failed');
    const stored = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'failed', error_code: 'target_unreachable' });
    const findings = await database.db
      .selectFrom('findings')
      .select(['severity', 'title'])
      .execute();
    expect(findings).toEqual([
      { severity: 'high', title: 'home: the target could not be reached' },
    ]);
  });

  it('fails the run with ssrf_blocked when the site is not allowed', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    expect(await executeRun(runner(database, []), run)).toBe('failed');
    const stored = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'failed', error_code: 'ssrf_blocked' });
  });

  it('lets a worker that lost its lease write nothing, and the next attempt reuses the same steps', async () => {
    current = await fresh();
    const { database } = current;
    const stale = await queuedJourneyRun(database);
    await recoverExpiredLeases(database, Date.now() + 2 * LEASE);
    const [fresher] = await workerStore(database).claimRuns({
      workerId: 'w2',
      now: Date.now(),
      leaseMs: LEASE,
      limit: 1,
    });
    expect(await executeRun(runner(database, ['127.0.0.1']), stale)).toBe('lease_lost');
    expect(await database.db.selectFrom('run_steps').selectAll().execute()).toEqual([]);
    expect(await executeRun(runner(database, ['127.0.0.1']), fresher!)).toBe('completed');
    const steps = await database.db.selectFrom('run_steps').select('id').execute();
    expect(steps).toEqual([{ id: `${stale.id}:0` }]);
    const run = await database.db
      .selectFrom('runs')
      .select(['status', 'attempt'])
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'completed', attempt: 2 });
  });

  it('keeps each finding once when a later attempt runs a step again', async () => {
    current = await fresh();
    const { database } = current;
    const first = await queuedJourneyRun(database);
    // The first attempt got as far as writing its step's finding, then its worker died.
    const journey = await database.db
      .selectFrom('journeys')
      .select(['id', 'name', 'agent_id'])
      .executeTakeFirstOrThrow();
    const holder = { runId: first.id, fence: first.fence };
    const stepId = `${first.id}:0`;
    await ensureSteps(database, holder, [
      {
        id: stepId,
        run_id: first.id,
        position: 0,
        step_key: journey.id,
        name: journey.name,
        callee_kind: 'agent',
        callee_id: journey.agent_id,
        status: 'queued',
      },
    ]);
    await addFindings(database, holder, [
      {
        id: `${stepId}:0`,
        run_id: first.id,
        step_id: stepId,
        severity: 'critical',
        title: 'pay: expected HTTP 200, got 500',
        detail: null,
        created_at: T,
      },
    ]);
    await recoverExpiredLeases(database, Date.now() + 2 * LEASE);
    const [second] = await workerStore(database).claimRuns({
      workerId: 'w2',
      now: Date.now(),
      leaseMs: LEASE,
      limit: 1,
    });
    expect(await executeRun(runner(database, ['127.0.0.1']), second!)).toBe('completed');
    const findings = await database.db.selectFrom('findings').select(['id', 'title']).execute();
    expect(findings).toEqual([{ id: `${stepId}:0`, title: 'pay: expected HTTP 200, got 500' }]);
  });

  it('fails the run with schema_mismatch when its journey was deleted after the tick', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    await database.db.deleteFrom('journeys').execute();
    expect(await executeRun(runner(database, ['127.0.0.1']), run)).toBe('failed');
    const stored = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'failed', error_code: 'schema_mismatch' });
  });

  it('fails a step that outlives its timeout with agent_timeout', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    // An agent that only ever stops when told to.
    const stuck = {
      call: ({ signal }: { signal: AbortSignal }) =>
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    };
    const deps = {
      ...runner(database, ['127.0.0.1']),
      executors: { 'builtin:http_journey': stuck },
      defaultStepTimeoutMs: 50,
    };
    expect(await executeRun(deps, run)).toBe('failed');
    const stored = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code'])
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'failed', error_code: 'agent_timeout' });
  });

  it('retries a retryable failure with backoff inside the attempt, then succeeds', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    let calls = 0;
    const waits: number[] = [];
    const flaky = {
      call: () => {
        calls++;
        if (calls < 3) return Promise.reject(new StepFailed('agent_error', 'HTTP 503', true));
        return Promise.resolve({
          output: { ok: true },
          findings: [],
          logs: [{ level: 'info' as const, message: 'done' }],
        });
      },
    };
    const deps = {
      ...runner(database, []),
      executors: { 'builtin:http_journey': flaky },
      sleep: (ms: number) => (waits.push(ms), Promise.resolve()),
    };
    expect(await executeRun(deps, run)).toBe('completed');
    expect([calls, waits]).toEqual([3, [1000, 2000]]);
    const logs = await database.db
      .selectFrom('step_logs')
      .select(['level', 'message'])
      .orderBy('id')
      .execute();
    expect(logs.map((l) => l.level)).toEqual(['warn', 'warn', 'info']);
  });

  it('waits as long as Retry-After asks when that is longer than its own backoff', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    let calls = 0;
    const waits: number[] = [];
    const limited = {
      call: () =>
        ++calls === 1
          ? Promise.reject(new StepFailed('agent_error', 'HTTP 429', true, 12_000))
          : Promise.resolve({
              output: { ok: true },
              findings: [],
              logs: [],
              usage: { tokens: 40 },
            }),
    };
    const deps = {
      ...runner(database, []),
      executors: { 'builtin:http_journey': limited },
      sleep: (ms: number) => (waits.push(ms), Promise.resolve()),
    };
    expect(await executeRun(deps, run)).toBe('completed');
    expect(waits).toEqual([12_000]);
    const stored = await database.db
      .selectFrom('runs')
      .select('usage')
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.usage ?? 'null')).toEqual({ tokens: 40 });
  });

  it('fails after the last retry, and does not retry what is not retryable', async () => {
    current = await fresh();
    const { database } = current;
    const run = await queuedJourneyRun(database);
    let calls = 0;
    const down = {
      call: () => (calls++, Promise.reject(new StepFailed('agent_error', 'HTTP 503', true))),
    };
    const deps = {
      ...runner(database, []),
      executors: { 'builtin:http_journey': down },
      sleep: () => Promise.resolve(),
    };
    expect(await executeRun(deps, run)).toBe('failed');
    expect(calls).toBe(3);
    const stored = await database.db
      .selectFrom('runs')
      .select(['error_code'])
      .executeTakeFirstOrThrow();
    expect(stored.error_code).toBe('agent_error');

    // The next hour's run meets an agent answering with bad output: no retry for that.
    await runSchedulerPass(
      { store: schedulerStore(database).firing, newId: randomUUID },
      T + 3_600_000,
    );
    const [next] = await workerStore(database).claimRuns({
      workerId: 'w',
      now: Date.now(),
      leaseMs: LEASE,
      limit: 1,
    });
    let badCalls = 0;
    const broken = {
      call: () => (
        badCalls++,
        Promise.reject(new StepFailed('invalid_output', 'not the declared shape'))
      ),
    };
    const brokenDeps = {
      ...runner(database, []),
      executors: { 'builtin:http_journey': broken },
      sleep: () => Promise.resolve(),
    };
    expect(await executeRun(brokenDeps, next!)).toBe('failed');
    expect(badCalls).toBe(1);
  });
});
