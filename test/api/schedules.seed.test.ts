// Conformance with the second seed's REST reference: paths, defaults and status codes of every
// schedule endpoint this part implements, plus SPEC section 2's cadences and the preview.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { scheduleAdminStore } from '../../src/storage/schedule-admin-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, T0, type ApiHarness } from './api-harness.ts';

describeEachDatabase('schedules as the seed has them', (fresh) => {
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

  const create = (body: object = {}) =>
    api.alice.request('POST', '/api/v1/schedules', {
      project_id: shop.project.id,
      name: 'Nightly',
      ...body,
    });

  it('POST /api/v1/schedules → 201 with the seed defaults: 120 h window, 24 h ticks, auto budget, all days', async () => {
    const response = await create();
    expect(response.statusCode).toBe(201);
    const schedule = response.json();
    expect(schedule).toMatchObject({
      project_id: shop.project.id,
      name: 'Nightly',
      coverage_window_hours: 120,
      tick_interval_hours: 24,
      daily_budget: null,
      run_days: [1, 2, 3, 4, 5, 6, 7],
      digest_config: null,
      timezone: 'UTC',
      // No anchor: "every 24 h" counts from the minute it was created.
      anchor_time: '12:00',
      cadence: {
        type: 'interval',
        tick_interval_hours: 24,
        run_days: [1, 2, 3, 4, 5, 6, 7],
        anchor_time: '12:00',
        origin_date: '2027-03-10',
        timezone: 'UTC',
      },
      overlap_policy: 'skip',
      catchup_policy: 'latest',
      catchup_window_hours: 24,
      tick_deadline_minutes: 60,
      enabled: true,
      owner: { kind: 'client', id: 'client-alice', name: null },
      summary: 'Daily at 12:00 PM UTC',
      run_count: 0,
      last_run: null,
      last_tick_at: null,
      next_tick_at: '2027-03-11T12:00:00Z',
      items: [],
    });
    expect(schedule.next_runs).toHaveLength(5);
    expect(schedule.next_runs[0]).toEqual({
      at: '2027-03-11T12:00:00Z',
      local: '2027-03-11T12:00:00+00:00',
      dst: null,
    });
    expect(api.wakes()).toBe(1);
    const stored = await db.database.db
      .selectFrom('schedules')
      .select(['next_fire_at', 'owner_kind', 'tenant_id'])
      .where('id', '=', schedule.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      next_fire_at: Date.UTC(2027, 2, 11, 12),
      owner_kind: 'client',
      tenant_id: api.alice.tenantId,
    });
  });

  it('reads the seed’s top-level tick_interval_hours, run_days, anchor_time and timezone as an interval cadence', async () => {
    const schedule = (
      await create({
        tick_interval_hours: 6,
        run_days: [1, 2, 3, 4, 5],
        anchor_time: '09:00',
        timezone: 'America/New_York',
        daily_budget: 3,
      })
    ).json();
    expect(schedule).toMatchObject({
      tick_interval_hours: 6,
      run_days: [1, 2, 3, 4, 5],
      anchor_time: '09:00',
      timezone: 'America/New_York',
      daily_budget: 3,
      summary: 'Every 6 hours from 3:00 AM on weekdays EST',
    });
    // 2027-03-10T12:00Z is 07:00 in New York; the next anchor-aligned time is 09:00 local.
    expect(schedule.next_runs.slice(0, 2)).toEqual([
      { at: '2027-03-10T14:00:00Z', local: '2027-03-10T09:00:00-05:00', dst: null },
      { at: '2027-03-10T20:00:00Z', local: '2027-03-10T15:00:00-05:00', dst: null },
    ]);
  });

  it('takes a calendar or cron cadence and reads back null tick_interval_hours and the days it can fire', async () => {
    const weekly = (
      await create({
        cadence: { type: 'calendar', frequency: 'weekly', days_of_week: [1, 4], times: ['09:00'] },
        timezone: 'America/Los_Angeles',
      })
    ).json();
    expect(weekly).toMatchObject({
      tick_interval_hours: null,
      anchor_time: null,
      run_days: [1, 4],
      timezone: 'America/Los_Angeles',
      summary: 'Weekly on Monday and Thursday at 9:00 AM PST',
      next_tick_at: '2027-03-11T17:00:00Z',
    });
    const cron = (await create({ cadence: { type: 'cron', expression: '0 9 * * 1-5' } })).json();
    expect(cron).toMatchObject({ tick_interval_hours: null, run_days: [1, 2, 3, 4, 5] });
  });

  it('refuses top-level fields that contradict the cadence with 400 on the field', async () => {
    const response = await create({
      cadence: { type: 'cron', expression: '0 9 * * *', timezone: 'UTC' },
      tick_interval_hours: 6,
      timezone: 'Europe/Berlin',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: '/tick_interval_hours', code: 'field_not_allowed' }),
      expect.objectContaining({ field: '/timezone', code: 'field_not_allowed' }),
    ]);
  });

  it('refuses a schedule in a project the caller cannot see with 400 not_in_project', async () => {
    const response = await api.alice.request('POST', '/api/v1/schedules', {
      project_id: uuidv7(T0),
      name: 'x',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: '/project_id', code: 'not_in_project' }),
    ]);
  });

  it('GET /api/v1/schedules lists by project_id; GET /api/v1/schedules/{id} reads one', async () => {
    const a = (await create()).json();
    const other = await seedProject(api.alice, 'Other');
    await api.alice.request('POST', '/api/v1/schedules', {
      project_id: other.project.id,
      name: 'o',
    });
    const listed = (
      await api.alice.request('GET', `/api/v1/schedules?project_id=${shop.project.id}`)
    ).json();
    expect(listed.data.map((s: { id: string }) => s.id)).toEqual([a.id]);
    expect(listed.next_cursor).toBeNull();
    const read = await api.alice.request('GET', `/api/v1/schedules/${a.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(a);
  });

  it('shows run_count (ticks that started a run) and last_run from the ticks', async () => {
    const schedule = (await create()).json();
    const tenant_id = api.alice.tenantId;
    const tick = (id: string, fire_time: number, outcome: 'succeeded' | 'skipped') => ({
      id,
      tenant_id,
      schedule_id: schedule.id,
      trigger: 'schedule' as const,
      fire_time,
      per_tick_budget: 1,
      tenant_left: null,
      deadline_at: fire_time + 3_600_000,
      outcome,
      ended_at: fire_time + 60_000,
      created_at: fire_time,
    });
    const first = uuidv7(T0 + 1);
    const second = uuidv7(T0 + 2);
    await db.database.db
      .insertInto('ticks')
      .values([tick(first, T0 + 3_600_000, 'succeeded'), tick(second, T0 + 7_200_000, 'skipped')])
      .execute();
    await db.database.db
      .insertInto('runs')
      .values({
        id: uuidv7(T0 + 3),
        tenant_id,
        project_id: shop.project.id,
        target_kind: 'journey',
        target_id: shop.browse.id,
        trigger: 'schedule',
        triggered_by: null,
        tick_id: first,
        schedule_id: schedule.id,
        item_id: null,
        parameters: '{}',
        status: 'completed',
        scheduled_for: T0 + 3_600_000,
        queued_at: T0 + 3_600_000,
        started_at: null,
        finished_at: null,
        attempt: 1,
        max_attempts: 2,
        agents_spawned: 1,
        usage: null,
        error_code: null,
        error_message: null,
        error_step: null,
        lease_owner: null,
        lease_until: null,
        fence: 0,
        after_run_id: null,
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    const read = (await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`)).json();
    expect(read.run_count).toBe(1);
    expect(read.last_run).toEqual({ at: '2027-03-10T14:00:00Z', outcome: 'skipped' });
  });

  it('PATCH /api/v1/schedules/{id} → 200; digest_config: null disables; pausing clears next_tick_at and resuming re-arms it', async () => {
    const schedule = (await create()).json();
    const url = `/api/v1/schedules/${schedule.id}`;
    const digest = { enabled: true, recipients: ['qa@shop.example'], send: 'on_failure' };
    const withDigest = await api.alice.request('PATCH', url, {
      digest_config: digest,
      daily_budget: 4,
    });
    expect(withDigest.statusCode).toBe(200);
    expect(withDigest.json()).toMatchObject({
      digest_config: { ...digest, min_severity: null },
      daily_budget: 4,
    });
    const disabled = await api.alice.request('PATCH', url, { digest_config: null });
    expect(disabled.json().digest_config).toBeNull();
    api.setNow(T0 + 3 * 3_600_000);
    const paused = (
      await api.alice.request('PATCH', url, { enabled: false, pause_note: 'freeze' })
    ).json();
    expect(paused).toMatchObject({
      enabled: false,
      pause_note: 'freeze',
      next_tick_at: null,
      next_runs: [],
    });
    const resumed = (await api.alice.request('PATCH', url, { enabled: true })).json();
    expect(resumed.next_tick_at).toBe('2027-03-11T12:00:00Z');
    const retimed = (await api.alice.request('PATCH', url, { tick_interval_hours: 12 })).json();
    expect(retimed).toMatchObject({ tick_interval_hours: 12, anchor_time: '12:00' });
    expect(retimed.next_tick_at).toBe('2027-03-11T00:00:00Z');
    const bad = await api.alice.request('PATCH', url, { run_days: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('/run_days');
    expect(api.wakes()).toBe(4);
  });

  it('leaves the scheduler’s next fire time alone on a PATCH that does not re-arm, and resets the failure streak on resume', async () => {
    const schedule = (await create()).json();
    const rows = () =>
      db.database.db
        .selectFrom('schedules')
        .select(['next_fire_at', 'consecutive_failures', 'pause_note', 'enabled'])
        .where('id', '=', schedule.id)
        .executeTakeFirstOrThrow();
    // The scheduler moves the schedule on between the route's read and its write: the write of
    // a rename carries no next fire time, so the scheduler's stands.
    const advanced = T0 + 7 * 86_400_000;
    await db.database.db
      .updateTable('schedules')
      .set({ next_fire_at: advanced })
      .where('id', '=', schedule.id)
      .execute();
    await scheduleAdminStore(db.database).update(
      api.alice.tenantId,
      schedule.id,
      { name: 'Renamed' },
      T0,
    );
    expect((await rows()).next_fire_at).toBe(advanced);
    await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, { name: 'Again' });
    expect((await rows()).next_fire_at).toBe(advanced);
    // Paused after failures (as the tick ender does), then resumed: the streak starts over.
    await db.database.db
      .updateTable('schedules')
      .set({ enabled: 0, consecutive_failures: 3, pause_note: 'Paused after 3 failed ticks.' })
      .where('id', '=', schedule.id)
      .execute();
    const resumed = await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, {
      enabled: true,
    });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json()).toMatchObject({ enabled: true, pause_note: null });
    expect(await rows()).toMatchObject({ consecutive_failures: 0, pause_note: null, enabled: 1 });
    expect((await rows()).next_fire_at).toBeGreaterThan(T0);
  });

  it('replays a schedule create retried with the same Idempotency-Key instead of creating another', async () => {
    const key = { 'idempotency-key': 'nightly-1' };
    const body = { project_id: shop.project.id, name: 'Nightly' };
    const first = await api.alice.request('POST', '/api/v1/schedules', body, key);
    api.setNow(T0 + 5_000);
    const again = await api.alice.request('POST', '/api/v1/schedules', body, key);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect((await api.alice.request('GET', '/api/v1/schedules')).json().data).toHaveLength(1);
    const changed = await api.alice.request(
      'POST',
      '/api/v1/schedules',
      { ...body, name: 'x' },
      key,
    );
    expect(changed.statusCode).toBe(409);
    expect(changed.json().code).toBe('idempotency_key_reused');
  });

  it('DELETE /api/v1/schedules/{id} → 204, then 404', async () => {
    const schedule = (await create()).json();
    const response = await api.alice.request('DELETE', `/api/v1/schedules/${schedule.id}`);
    expect(response.statusCode).toBe(204);
    expect((await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`)).statusCode).toBe(
      404,
    );
    expect((await api.alice.request('DELETE', `/api/v1/schedules/${schedule.id}`)).statusCode).toBe(
      404,
    );
  });

  it('POST /api/v1/schedules/{id}/items → 201, shaped by the item’s kind, priority 0 by default', async () => {
    const schedule = (await create()).json();
    const url = `/api/v1/schedules/${schedule.id}/items`;
    const journey = await api.alice.request('POST', url, { journey_id: shop.browse.id });
    expect(journey.statusCode).toBe(201);
    expect(journey.json()).toEqual({
      id: expect.any(String),
      schedule_id: schedule.id,
      journey_id: shop.browse.id,
      priority: 0,
      parameters: {},
      enabled: true,
      last_run_at: null,
      created_at: '2027-03-10T12:00:00Z',
      updated_at: '2027-03-10T12:00:00Z',
    });
    api.setNow(T0 + 1000);
    const plan = await api.alice.request('POST', url, {
      test_plan_id: shop.plan.id,
      priority: 10,
      parameters: { env: 'staging' },
    });
    expect(plan.statusCode).toBe(201);
    expect(plan.json()).toMatchObject({ test_plan_id: shop.plan.id, priority: 10 });
    expect(plan.json()).not.toHaveProperty('journey_id');
    const read = (await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`)).json();
    expect(read.items).toEqual([journey.json(), plan.json()]);
  });

  it('POST …/items → 400 for both or neither target, another project’s target, the same target twice, or a priority out of range', async () => {
    const schedule = (await create()).json();
    const url = `/api/v1/schedules/${schedule.id}/items`;
    const both = await api.alice.request('POST', url, {
      journey_id: shop.browse.id,
      test_plan_id: shop.plan.id,
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().code).toBe('one_target_required');
    const neither = await api.alice.request('POST', url, { priority: 1 });
    expect(neither.statusCode).toBe(400);
    expect(neither.json().code).toBe('one_target_required');
    const other = await seedProject(api.alice, 'Other');
    const foreign = await api.alice.request('POST', url, { journey_id: other.browse.id });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().errors).toEqual([
      expect.objectContaining({ field: '/journey_id', code: 'not_in_project' }),
    ]);
    expect((await api.alice.request('POST', url, { journey_id: shop.browse.id })).statusCode).toBe(
      201,
    );
    const twice = await api.alice.request('POST', url, { journey_id: shop.browse.id });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().code).toBe('duplicate_item');
    for (const priority of [101, -101, 1.5]) {
      const response = await api.alice.request('POST', url, {
        test_plan_id: shop.plan.id,
        priority,
      });
      expect(response.statusCode, String(priority)).toBe(400);
      expect(response.json().errors[0].field).toBe('/priority');
    }
    const missing = await api.alice.request('POST', `/api/v1/schedules/${uuidv7(T0)}/items`, {
      journey_id: shop.browse.id,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('PATCH …/items/{itemId} changes priority, parameters and enabled; DELETE → 204 for either kind', async () => {
    const schedule = (await create()).json();
    const url = `/api/v1/schedules/${schedule.id}/items`;
    const journey = (await api.alice.request('POST', url, { journey_id: shop.browse.id })).json();
    const plan = (await api.alice.request('POST', url, { test_plan_id: shop.plan.id })).json();
    const patched = await api.alice.request('PATCH', `${url}/${journey.id}`, {
      priority: -5,
      parameters: { locale: 'de' },
      enabled: false,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      priority: -5,
      parameters: { locale: 'de' },
      enabled: false,
    });
    expect((await api.alice.request('DELETE', `${url}/${journey.id}`)).statusCode).toBe(204);
    expect((await api.alice.request('DELETE', `${url}/${plan.id}`)).statusCode).toBe(204);
    expect((await api.alice.request('DELETE', `${url}/${plan.id}`)).statusCode).toBe(404);
    expect(
      (await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`)).json().items,
    ).toEqual([]);
  });

  it('POST /api/v1/schedules/preview gives the summary and next runs of an unsaved cadence, DST marked', async () => {
    const response = await api.alice.request('POST', '/api/v1/schedules/preview', {
      cadence: {
        type: 'calendar',
        frequency: 'daily',
        times: ['02:30'],
        timezone: 'America/New_York',
      },
      from: '2027-03-12T00:00:00Z',
      count: 4,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      summary: 'Daily at 2:30 AM EST',
      next_runs: [
        { at: '2027-03-12T07:30:00Z', local: '2027-03-12T02:30:00-05:00', dst: null },
        { at: '2027-03-13T07:30:00Z', local: '2027-03-13T02:30:00-05:00', dst: null },
        { at: '2027-03-14T07:30:00Z', local: '2027-03-14T03:30:00-04:00', dst: 'shifted' },
        { at: '2027-03-15T06:30:00Z', local: '2027-03-15T02:30:00-04:00', dst: null },
      ],
    });
    const tooMany = await api.alice.request('POST', '/api/v1/schedules/preview', {
      cadence: { type: 'cron', expression: '@hourly' },
      count: 101,
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].field).toBe('/count');
    const farOff = await api.alice.request('POST', '/api/v1/schedules/preview', {
      cadence: { type: 'cron', expression: '@daily' },
      from: '9999-01-01T00:00:00Z',
    });
    expect(farOff.statusCode).toBe(400);
    expect(farOff.json().errors[0]).toMatchObject({ field: '/from', code: 'invalid_instant' });
    const invalid = await api.alice.request('POST', '/api/v1/schedules/preview', {
      cadence: { type: 'calendar', frequency: 'daily', times: ['9am'] },
    });
    expect(invalid.json().errors).toEqual([
      expect.objectContaining({ field: '/cadence/times/0', code: 'invalid_time' }),
    ]);
  });

  it('answers every schedule endpoint without a token with 401', async () => {
    const schedule = (await create()).json();
    const id = schedule.id;
    const item = uuidv7(T0);
    const routes: [string, string][] = [
      ['POST', '/api/v1/schedules'],
      ['GET', '/api/v1/schedules'],
      ['GET', `/api/v1/schedules/${id}`],
      ['PATCH', `/api/v1/schedules/${id}`],
      ['DELETE', `/api/v1/schedules/${id}`],
      ['POST', `/api/v1/schedules/${id}/items`],
      ['PATCH', `/api/v1/schedules/${id}/items/${item}`],
      ['DELETE', `/api/v1/schedules/${id}/items/${item}`],
      ['POST', '/api/v1/schedules/preview'],
    ];
    for (const [method, url] of routes) {
      const response = await api.app.inject({ method: method as 'GET', url, payload: {} });
      expect(response.statusCode, `${method} ${url}`).toBe(401);
    }
  });
});
