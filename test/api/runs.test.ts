// Runs over HTTP (SPEC sections 4 and 6): run a target now, read a run with its steps, logs and
// findings as a worker wrote them, cancel (a running run's worker is fenced off), re-run, and list
// newest first with filters and strict cursors; another tenant's run is a 404 on every route.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { uuidv7 } from '../../src/storage/new-id.ts';
import {
  addFindings,
  appendLogs,
  ensureSteps,
  updateStep,
} from '../../src/storage/run-step-store.ts';
import { claimRuns, finishRun, heartbeat } from '../../src/storage/run-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, T0, type ApiHarness } from './api-harness.ts';

describeEachDatabase('runs over the API', (fresh) => {
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

  const runNow = (target: object, parameters?: object, caller = api.alice) =>
    caller.request('POST', '/api/v1/runs', {
      target,
      ...(parameters === undefined ? {} : { parameters }),
    });

  const claim = async () =>
    claimRuns(db.database, { workerId: 'worker-1', now: api.now(), leaseMs: 30_000, limit: 1 });

  it('POST /api/v1/runs → 201: a queued run with trigger api, counted in the tenant’s agents (a test plan one per journey)', async () => {
    const journey = await runNow({ type: 'journey', id: shop.browse.id }, { locale: 'de' });
    expect(journey.statusCode).toBe(201);
    expect(journey.json()).toMatchObject({
      project_id: shop.project.id,
      target: { type: 'journey', id: shop.browse.id },
      trigger: 'api',
      triggered_by: 'client-alice',
      schedule_id: null,
      tick_id: null,
      parameters: { locale: 'de' },
      status: 'queued',
      queued_at: '2027-03-10T12:00:00Z',
      started_at: null,
      attempt: 1,
      agents_spawned: 1,
      error: null,
    });
    const plan = (await runNow({ type: 'test_plan', id: shop.plan.id })).json();
    expect(plan).toMatchObject({ agents_spawned: 2, parameters: {} });
    // A tick afterwards sees the three agents spent today.
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 's',
      })
    ).json();
    const tick = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`)
    ).json();
    expect(tick.tenant_left).toBe(197);
  });

  it('POST /api/v1/runs → 400 for a target not in the tenant, an unknown type or unknown fields', async () => {
    const foreign = await runNow({ type: 'journey', id: shop.browse.id }, undefined, api.bob);
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors).toEqual([
      expect.objectContaining({ field: '/target/id', code: 'not_in_project' }),
    ]);
    const missingPlan = await runNow({ type: 'test_plan', id: shop.browse.id });
    expect(missingPlan.json()).toMatchObject({ status: 400, code: 'not_in_project' });
    for (const body of [
      { target: { type: 'flow', id: shop.browse.id } },
      { target: { type: 'journey', id: 'x' } },
      { target: { type: 'journey' } },
      { target: { type: 'journey', id: shop.browse.id }, tenant_id: api.bob.tenantId },
      { target: { type: 'journey', id: shop.browse.id }, parameters: [] },
      {},
    ]) {
      const response = await api.alice.request('POST', '/api/v1/runs', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect((await api.alice.request('GET', '/api/v1/runs')).json().data).toEqual([]);
  });

  it('GET /api/v1/runs/{id} shows the steps a worker wrote — name, callee, status, timing, input, output, error — with each step’s log lines, and the findings', async () => {
    const created = (await runNow({ type: 'test_plan', id: shop.plan.id })).json();
    api.setNow(T0 + 1_000);
    const [claimed] = await claim();
    const holder = { runId: created.id, fence: claimed!.fence };
    const [first, second] = await ensureSteps(
      db.database,
      holder,
      [shop.browse, shop.checkout].map((journey, position) => ({
        id: uuidv7(T0 + position),
        run_id: created.id,
        position,
        step_key: journey.id,
        name: journey.name,
        callee_kind: 'agent' as const,
        callee_id: shop.agent.id,
        status: 'queued' as const,
        input: null,
        output: null,
        error_code: null,
        error_message: null,
        started_at: null,
        finished_at: null,
      })),
    );
    await updateStep(db.database, holder, first!.id, {
      status: 'running',
      now: T0 + 1_000,
      input: { base_url: 'https://shop.example/' },
    });
    await appendLogs(db.database, holder, first!.id, [
      { at: T0 + 1_100, level: 'info', message: 'GET / → 200' },
      { at: T0 + 1_200, level: 'warn', message: 'slow: 900 ms' },
    ]);
    await updateStep(db.database, holder, first!.id, {
      status: 'failed',
      now: T0 + 2_000,
      output: { checks: 1 },
      error: { code: 'agent_error', message: 'payment failed' },
    });
    await addFindings(db.database, holder, [
      {
        id: uuidv7(T0 + 2_000),
        run_id: created.id,
        step_id: first!.id,
        severity: 'high',
        title: 'Payment fails',
        detail: 'POST /pay → 500',
        created_at: T0 + 2_000,
      },
    ]);

    const read = await api.alice.request('GET', `/api/v1/runs/${created.id}`);
    expect(read.statusCode).toBe(200);
    const run = read.json();
    expect(run).toMatchObject({
      id: created.id,
      status: 'running',
      started_at: '2027-03-10T12:00:01Z',
    });
    expect(run.steps).toEqual([
      {
        id: first!.id,
        position: 0,
        key: shop.browse.id,
        name: 'Browse',
        callee: { kind: 'agent', id: shop.agent.id },
        status: 'failed',
        input: { base_url: 'https://shop.example/' },
        output: { checks: 1 },
        error: { code: 'agent_error', message: 'payment failed' },
        started_at: '2027-03-10T12:00:01Z',
        finished_at: '2027-03-10T12:00:02Z',
        logs: [
          { at: '2027-03-10T12:00:01.100Z', level: 'info', message: 'GET / → 200' },
          { at: '2027-03-10T12:00:01.200Z', level: 'warn', message: 'slow: 900 ms' },
        ],
      },
      expect.objectContaining({ id: second!.id, name: 'Check out', status: 'queued', logs: [] }),
    ]);
    expect(run.findings).toEqual([
      {
        id: expect.any(String),
        step_id: first!.id,
        severity: 'high',
        title: 'Payment fails',
        detail: 'POST /pay → 500',
        created_at: '2027-03-10T12:00:02Z',
      },
    ]);
  });

  it('POST /api/v1/runs/{id}/cancel cancels a queued run, fences a running run’s worker off, and answers 409 for an ended run', async () => {
    const queued = (await runNow({ type: 'journey', id: shop.browse.id })).json();
    const cancelled = await api.alice.request('POST', `/api/v1/runs/${queued.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      finished_at: '2027-03-10T12:00:00Z',
      error: { code: 'cancelled' },
    });
    expect(await claim()).toEqual([]);

    const running = (await runNow({ type: 'journey', id: shop.checkout.id })).json();
    const [claimed] = await claim();
    expect(claimed?.id).toBe(running.id);
    const holder = { runId: running.id, fence: claimed!.fence };
    expect(await heartbeat(db.database, holder, api.now(), 30_000)).toBe(true);
    api.setNow(T0 + 5_000);
    const stopped = await api.alice.request('POST', `/api/v1/runs/${running.id}/cancel`);
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    // The worker's lease is gone: it can neither keep the run nor finish it.
    expect(await heartbeat(db.database, holder, api.now(), 30_000)).toBe(false);
    expect(await finishRun(db.database, holder, { status: 'completed', now: api.now() })).toBe(
      false,
    );
    const stored = await db.database.db
      .selectFrom('runs')
      .select(['status', 'fence', 'lease_owner'])
      .where('id', '=', running.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'cancelled', fence: claimed!.fence + 1, lease_owner: null });

    const again = await api.alice.request('POST', `/api/v1/runs/${running.id}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ status: 409, code: 'run_ended' });
  });

  it('POST /api/v1/runs/{id}/rerun → 201: the same target and parameters again, as a new run', async () => {
    const first = (
      await runNow({ type: 'test_plan', id: shop.plan.id }, { env: 'staging' })
    ).json();
    api.setNow(T0 + 60_000);
    const rerun = await api.alice.request('POST', `/api/v1/runs/${first.id}/rerun`);
    expect(rerun.statusCode).toBe(201);
    const second = rerun.json();
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({
      target: first.target,
      parameters: { env: 'staging' },
      trigger: 'api',
      status: 'queued',
      agents_spawned: 2,
      queued_at: '2027-03-10T12:01:00Z',
    });
    const retried = await api.alice.request('POST', `/api/v1/runs/${first.id}/rerun`, undefined, {
      'idempotency-key': 'again',
    });
    const replayed = await api.alice.request('POST', `/api/v1/runs/${first.id}/rerun`, undefined, {
      'idempotency-key': 'again',
    });
    expect(replayed.json()).toEqual(retried.json());
    expect((await api.alice.request('GET', '/api/v1/runs')).json().data).toHaveLength(3);
  });

  it('GET /api/v1/runs lists newest first, filters by schedule, status and trigger, pages without repeats, and refuses a tampered cursor', async () => {
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 's',
        daily_budget: 2,
      })
    ).json();
    for (const journey of [shop.browse, shop.checkout])
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/items`, {
        journey_id: journey.id,
      });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      api.setNow(T0 + i * 1_000);
      ids.push((await runNow({ type: 'journey', id: shop.browse.id })).json().id);
    }
    api.setNow(T0 + 10_000);
    const tick = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`)
    ).json();
    await api.alice.request('POST', `/api/v1/runs/${ids[1]}/cancel`);

    const all = (await api.alice.request('GET', '/api/v1/runs')).json();
    expect(all.data).toHaveLength(5);
    const created = all.data.map((r: { created_at: string }) => r.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    const ofSchedule = (
      await api.alice.request('GET', `/api/v1/runs?schedule_id=${schedule.id}`)
    ).json();
    expect(ofSchedule.data.map((r: { id: string }) => r.id).sort()).toEqual(
      tick.runs.map((r: { id: string }) => r.id).sort(),
    );
    const manual = (await api.alice.request('GET', '/api/v1/runs?trigger=manual')).json();
    expect(manual.data).toHaveLength(2);
    const cancelled = (await api.alice.request('GET', '/api/v1/runs?status=cancelled')).json();
    expect(cancelled.data.map((r: { id: string }) => r.id)).toEqual([ids[1]]);
    const apiQueued = (
      await api.alice.request('GET', '/api/v1/runs?status=queued&trigger=api')
    ).json();
    expect(apiQueued.data.map((r: { id: string }) => r.id)).toEqual([ids[2], ids[0]]);

    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/runs?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const page = (await api.alice.request('GET', url)).json();
      walked.push(...page.data.map((r: { id: string }) => r.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(walked).toEqual(all.data.map((r: { id: string }) => r.id));

    const next = (await api.alice.request('GET', '/api/v1/runs?limit=2')).json().next_cursor;
    const tampered = Buffer.from(
      Buffer.from(next, 'base64url')
        .toString()
        .replace(/"after":"[0-9a-f]/, '"after":"G'),
    ).toString('base64url');
    for (const query of [
      `cursor=${tampered}`,
      `cursor=${next}=`,
      'cursor=%00',
      'status=done',
      'trigger=cron',
      'schedule_id=nope',
      'limit=0',
      'limit=1000',
      'sort=asc',
    ]) {
      const response = await api.alice.request('GET', `/api/v1/runs?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    expect((await api.alice.request('GET', `/api/v1/runs?cursor=${tampered}`)).json().code).toBe(
      'invalid_cursor',
    );
  });

  it('answers 404 for another tenant’s run, or an unknown or malformed id, on every run route, and never lists another tenant’s runs', async () => {
    const run = (await runNow({ type: 'journey', id: shop.browse.id })).json();
    for (const id of [run.id, uuidv7(T0), 'not-an-id']) {
      for (const [method, path] of [
        ['GET', ''],
        ['POST', '/cancel'],
        ['POST', '/rerun'],
      ] as const) {
        const caller = id === run.id ? api.bob : api.alice;
        const response = await caller.request(method, `/api/v1/runs/${id}${path}`);
        expect(response.statusCode, `${method} ${id}${path}`).toBe(404);
        expect(response.json().code).toBe('not_found');
      }
    }
    expect((await api.bob.request('GET', '/api/v1/runs')).json()).toEqual({
      data: [],
      next_cursor: null,
    });
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 's',
      })
    ).json();
    expect(
      (await api.bob.request('GET', `/api/v1/runs?schedule_id=${schedule.id}`)).json().data,
    ).toEqual([]);
    expect((await api.alice.request('GET', `/api/v1/runs/${run.id}`)).json().status).toBe('queued');
    const anonymous = await api.app.inject({ method: 'GET', url: '/api/v1/runs' });
    expect(anonymous.statusCode).toBe(401);
  });
});
