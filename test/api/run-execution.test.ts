// A run started over the API and executed by the real run runner: the run detail shows the
// steps, logs and findings the worker wrote, and cancelling a running run aborts the worker's
// in-flight call at its next heartbeat, leaving the run cancelled.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { claimRuns } from '../../src/storage/run-store.ts';
import type { Executor, StepCall } from '../../src/worker/executor.ts';
import { executeRun } from '../../src/worker/run-runner.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

describeEachDatabase('a run over the API, executed by the worker', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let shop: Awaited<ReturnType<typeof seedProject>>;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    shop = await seedProject(api.alice);
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const runner = (agent: Executor) => ({
    database: db.database,
    now: () => api.now(),
    newId: randomUUID,
    executors: { 'builtin:http_journey': agent },
    leaseMs: 30_000,
    // Short, so that a lost lease is noticed within the test.
    heartbeatMs: 10,
  });

  async function startAndClaim(target: object) {
    const run = (await api.alice.request('POST', '/api/v1/runs', { target })).json();
    const [claimed] = await claimRuns(db.database, {
      workerId: 'worker-1',
      now: api.now(),
      leaseMs: 30_000,
      limit: 1,
    });
    expect(claimed?.id).toBe(run.id);
    return { run, claimed: claimed! };
  }

  it('shows every step the worker ran, with its input, output, log lines and findings', async () => {
    const { run, claimed } = await startAndClaim({ type: 'test_plan', id: shop.plan.id });
    const agent: Executor = {
      call: (call: StepCall) =>
        Promise.resolve({
          output: { walked: call.input.base_url },
          findings: call.stepId.endsWith(':1')
            ? [{ severity: 'medium' as const, title: 'Slow cart' }]
            : [],
          logs: [{ level: 'info' as const, message: `walked ${String(call.input.base_url)}` }],
        }),
    };
    expect(await executeRun(runner(agent), claimed)).toBe('completed');
    const detail = (await api.alice.request('GET', `/api/v1/runs/${run.id}`)).json();
    expect(detail).toMatchObject({ status: 'completed', agents_spawned: 2, error: null });
    expect(
      detail.steps.map((s: { name: string; status: string; output: unknown; logs: unknown[] }) => [
        s.name,
        s.status,
        s.output,
        s.logs.length,
      ]),
    ).toEqual([
      ['Browse', 'completed', { walked: 'https://shop.example/' }, 1],
      ['Check out', 'completed', { walked: 'https://shop.example/' }, 1],
    ]);
    expect(detail.steps[0]).toMatchObject({
      id: `${run.id}:0`,
      key: shop.browse.id,
      callee: { kind: 'agent', id: shop.agent.id },
      input: { base_url: 'https://shop.example/' },
      logs: [{ level: 'info', message: 'walked https://shop.example/' }],
    });
    expect(detail.findings).toEqual([
      expect.objectContaining({
        step_id: `${run.id}:1`,
        severity: 'medium',
        title: 'Slow cart',
        detail: null,
      }),
    ]);
  });

  it('cancelling a running run aborts the worker’s in-flight call and the run stays cancelled', async () => {
    const { run, claimed } = await startAndClaim({ type: 'journey', id: shop.browse.id });
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    let aborted = false;
    const agent: Executor = {
      call: (call: StepCall) =>
        new Promise((_resolve, reject) => {
          started();
          call.signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    };
    const execution = executeRun(runner(agent), claimed);
    await inFlight;
    const cancel = await api.alice.request('POST', `/api/v1/runs/${run.id}/cancel`);
    expect(cancel.statusCode).toBe(200);
    expect(await execution).toBe('lease_lost');
    expect(aborted).toBe(true);
    const detail = (await api.alice.request('GET', `/api/v1/runs/${run.id}`)).json();
    expect(detail).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    // The worker's writes after the cancel were refused: the step is left as it was.
    expect(detail.steps).toEqual([expect.objectContaining({ status: 'running', logs: [] })]);
  });
});
