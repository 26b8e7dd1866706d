// A run started over the API and executed by the real run runner: the run detail shows the
// steps, logs and findings the worker wrote, and cancelling a running run aborts the worker's
// in-flight call at its next heartbeat, leaving the run cancelled.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Executor, StepCall } from '../../src/worker/executor.ts';
import { executeRun } from '../../src/worker/run-runner.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';

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
    store: workerStore(db.database),
    now: () => api.now(),
    executors: { 'builtin:http_journey': agent },
    leaseMs: 30_000,
    // Short, so that a lost lease is noticed within the test.
    heartbeatMs: 10,
  });

  async function startAndClaim(target: object) {
    const run = (await api.alice.request('POST', '/api/v1/runs', { target })).json();
    const [claimed] = await workerStore(db.database).claimRuns({
      workerId: 'worker-1',
      now: api.now(),
      leaseMs: 30_000,
      limit: 1,
    });
    expect(claimed?.id).toBe(run.id);
    return { run, claimed: claimed! };
  }

  it('calls an http agent with its credentials opened, and fails the step without the key', async () => {
    const agent = (
      await api.alice.request('POST', '/api/v1/agents', {
        project_id: shop.project.id,
        name: 'runtime',
        kind: 'http',
        config: { url: 'https://agents.example/run', headers: { 'X-Api-Key': 'sk-live-123' } },
      })
    ).json();
    const journey = (
      await api.alice.request('POST', '/api/v1/journeys', {
        project_id: shop.project.id,
        name: 'Sign in',
        agent_id: agent.id,
      })
    ).json();
    const seen: unknown[] = [];
    const http: Executor = {
      call: (call: StepCall) => {
        seen.push(call.config.headers);
        return Promise.resolve({ output: {}, findings: [], logs: [] });
      },
    };
    const withKey = await startAndClaim({ type: 'journey', id: journey.id });
    const deps = { ...runner(http), executors: { http }, secrets: api.secrets };
    expect(await executeRun(deps, withKey.claimed)).toBe('completed');
    expect(seen).toEqual([{ 'X-Api-Key': 'sk-live-123' }]);

    // A worker without the key calls nothing and says why.
    const withoutKey = await startAndClaim({ type: 'journey', id: journey.id });
    expect(await executeRun({ ...runner(http), executors: { http } }, withoutKey.claimed)).toBe(
      'failed',
    );
    expect(seen).toHaveLength(1);
    const failed = (await api.alice.request('GET', `/api/v1/runs/${withoutKey.run.id}`)).json();
    expect(failed.error).toMatchObject({
      code: 'agent_error',
      message: 'This worker holds no key to open the agent’s credentials.',
    });

    // A value an older version kept in clear (mid-upgrade, before the next start seals it) is
    // used as it is.
    await db.database.db
      .updateTable('agents')
      .set({
        config: JSON.stringify({
          url: 'https://agents.example/run',
          headers: { 'X-Api-Key': 'sk-legacy' },
        }),
      })
      .where('id', '=', agent.id)
      .execute();
    const legacy = await startAndClaim({ type: 'journey', id: journey.id });
    expect(await executeRun(deps, legacy.claimed)).toBe('completed');
    expect(seen).toEqual([{ 'X-Api-Key': 'sk-live-123' }, { 'X-Api-Key': 'sk-legacy' }]);
  });

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
