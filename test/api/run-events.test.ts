// GET /api/v1/runs/{id}/events: a run followed live as Server-Sent Events while the real run
// runner executes it — the run's status changes, each step, every log line and finding, then
// `end` — and the stream closes on its own; an ended run streams its state and `end` at once.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Executor } from '../../src/worker/executor.ts';
import { executeRun } from '../../src/worker/run-runner.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';

/** `event:`/`data:` blocks of a text/event-stream, comments left out. */
const parse = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [event, data] = block.split('\n');
      return { event: event!.slice(7), data: JSON.parse(data!.slice(6)) };
    });

describeEachDatabase('following a run as Server-Sent Events', (fresh) => {
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

  it('streams the run as the worker runs it, then end, and closes', async () => {
    const run = (
      await api.alice.request('POST', '/api/v1/runs', {
        target: { type: 'test_plan', id: shop.plan.id },
      })
    ).json();
    // A real connection: the stream is open, and has said the run is queued, before the worker
    // takes the run up; everything after that comes live.
    const address = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const response = await fetch(`${address}/api/v1/runs/${run.id}/events`, {
      headers: { authorization: `Bearer ${api.alice.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let body = '';
    while (!body.includes('\n\n')) body += decoder.decode((await reader.read()).value);
    expect(parse(body)).toMatchObject([{ event: 'run', data: { id: run.id, status: 'queued' } }]);
    const [claimed] = await workerStore(db.database).claimRuns({
      workerId: 'w',
      now: api.now(),
      leaseMs: 30_000,
      limit: 1,
    });
    const agent: Executor = {
      call: (call) =>
        Promise.resolve({
          output: { ok: true },
          findings: call.stepId.endsWith(':1')
            ? [{ severity: 'high' as const, title: 'Cart broke' }]
            : [],
          logs: [{ level: 'info' as const, message: `step ${call.stepId.slice(-1)} walked` }],
        }),
    };
    const result = await executeRun(
      {
        store: workerStore(db.database),
        now: () => api.now(),
        executors: { 'builtin:http_journey': agent },
        leaseMs: 30_000,
        heartbeatMs: 10_000,
      },
      claimed!,
    );
    expect(result).toBe('completed');
    // The stream ends by itself once the run has ended (bounded: it polls every half second).
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      body += decoder.decode(chunk.value);
    const events = parse(body);
    expect(events.at(-1)).toMatchObject({
      event: 'end',
      data: { id: run.id, status: 'completed' },
    });
    // Status changes as the stream saw them, half a second apart: queued first, completed last.
    const statuses = events.filter((e) => e.event === 'run').map((e) => e.data.status);
    expect([statuses[0], statuses.at(-1)]).toEqual(['queued', 'completed']);
    const logs = events.filter((e) => e.event === 'log').map((e) => e.data.message);
    expect(logs).toEqual(['step 0 walked', 'step 1 walked']);
    expect(events.filter((e) => e.event === 'finding').map((e) => e.data.title)).toEqual([
      'Cart broke',
    ]);
    // Each step is announced at least once, and ends completed.
    const lastOf = (id: string) =>
      events.filter((e) => e.event === 'step' && e.data.id === id).at(-1)?.data.status;
    expect([lastOf(`${run.id}:0`), lastOf(`${run.id}:1`)]).toEqual(['completed', 'completed']);
  });

  it('streams an ended run’s state and end at once; another tenant’s run is a 404 problem', async () => {
    const run = (
      await api.alice.request('POST', '/api/v1/runs', {
        target: { type: 'journey', id: shop.browse.id },
      })
    ).json();
    await api.alice.request('POST', `/api/v1/runs/${run.id}/cancel`);
    const events = parse((await api.alice.request('GET', `/api/v1/runs/${run.id}/events`)).body);
    expect(events.map((e) => [e.event, e.data.status])).toEqual([
      ['run', 'cancelled'],
      ['end', 'cancelled'],
    ]);
    const foreign = await api.bob.request('GET', `/api/v1/runs/${run.id}/events`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
  });
});
