// The tenant's settings, its budget and a schedule's coverage forecast over HTTP: admins change
// the budget and zone (members get 403), the budget reports today's agents by schedule and the
// last 14 local days, and the forecast runs the core's simulation on the stored schedule.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, T0, type ApiHarness } from './api-harness.ts';

const DAY = 86_400_000;

describeEachDatabase('the tenant, its budget and the coverage forecast', (fresh) => {
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

  async function scheduleWithItems(settings: object = {}) {
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 'Nightly',
        ...settings,
      })
    ).json();
    for (const body of [{ journey_id: shop.browse.id }, { test_plan_id: shop.plan.id }])
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/items`, body);
    return schedule;
  }

  it('GET /api/v1/tenant reads the caller’s tenant; PATCH is for admins (403 for members) and checks the zone and the name', async () => {
    const read = await api.alice.request('GET', '/api/v1/tenant');
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id: api.alice.tenantId,
      name: 'tenant-a',
      timezone: 'UTC',
      daily_agent_budget: 200,
    });
    expect((await api.bob.request('GET', '/api/v1/tenant')).json().name).toBe('tenant-b');

    const member = await api.alice.request('PATCH', '/api/v1/tenant', { daily_agent_budget: 5 });
    expect(member.statusCode).toBe(403);
    expect(member.json().code).toBe('forbidden');

    api.setNow(T0 + 60_000);
    const changed = await api.admin.request('PATCH', '/api/v1/tenant', {
      name: 'Acme',
      daily_agent_budget: 50,
      timezone: 'europe/berlin',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      name: 'Acme',
      daily_agent_budget: 50,
      timezone: 'Europe/Berlin',
      updated_at: '2027-03-10T12:01:00Z',
    });
    expect((await api.alice.request('GET', '/api/v1/tenant')).json()).toEqual(changed.json());

    const unlimited = await api.admin.request('PATCH', '/api/v1/tenant', {
      daily_agent_budget: null,
    });
    expect(unlimited.json().daily_agent_budget).toBeNull();

    const clash = await api.admin.request('PATCH', '/api/v1/tenant', { name: 'tenant-b' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().code).toBe('name_taken');
    for (const [body, code] of [
      [{ timezone: 'Mars/Olympus' }, 'invalid_time_zone'],
      [{ timezone: '+05:00' }, 'invalid_time_zone'],
      [{ daily_agent_budget: -1 }, 'invalid_value'],
      [{ daily_agent_budget: 1.5 }, 'invalid_value'],
      [{ id: uuidv7(T0) }, 'field_not_allowed'],
      [{ name: '' }, 'invalid_value'],
    ] as const) {
      const response = await api.admin.request('PATCH', '/api/v1/tenant', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code, JSON.stringify(body)).toBe(code);
    }
    expect((await api.alice.request('GET', '/api/v1/tenant')).json().name).toBe('Acme');
  });

  it('a lower daily agent budget set through PATCH /tenant holds the next tick back with tenant_budget', async () => {
    const schedule = await scheduleWithItems({ daily_budget: 5 });
    await api.admin.request('PATCH', '/api/v1/tenant', { daily_agent_budget: 1 });
    const tick = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`)
    ).json();
    expect(tick.tenant_left).toBe(1);
    // The journey (1 agent) fits; the test plan (2 agents) does not.
    expect(tick.items.map((i: { outcome: string; reason: string | null }) => i.reason)).toEqual(
      expect.arrayContaining([null, 'tenant_budget']),
    );
    expect(tick.runs).toHaveLength(1);
  });

  it('GET /api/v1/budget shows today’s agents by schedule, what is left, and 14 local days', async () => {
    const schedule = await scheduleWithItems({ daily_budget: 5 });
    api.setNow(T0 - DAY);
    await api.alice.request('POST', '/api/v1/runs', {
      target: { type: 'test_plan', id: shop.plan.id },
    });
    api.setNow(T0);
    await api.alice.request('POST', '/api/v1/runs', {
      target: { type: 'journey', id: shop.browse.id },
    });
    await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`);
    await api.bob.request('POST', '/api/v1/projects', { name: 'elsewhere' });

    const response = await api.alice.request('GET', '/api/v1/budget');
    expect(response.statusCode).toBe(200);
    const budget = response.json();
    expect(budget).toMatchObject({ timezone: 'UTC', daily_agent_budget: 200 });
    expect(budget.today).toEqual({
      date: '2027-03-10',
      start: '2027-03-10T00:00:00Z',
      end: '2027-03-11T00:00:00Z',
      agents: 4,
      runs: 3,
      remaining: 196,
      by_schedule: [
        { schedule_id: schedule.id, name: 'Nightly', agents: 3, runs: 2 },
        { schedule_id: null, name: null, agents: 1, runs: 1 },
      ],
    });
    expect(budget.history).toHaveLength(14);
    expect(budget.history[0].date).toBe('2027-02-25');
    expect(budget.history.slice(-2)).toEqual([
      {
        date: '2027-03-09',
        start: '2027-03-09T00:00:00Z',
        end: '2027-03-10T00:00:00Z',
        agents: 2,
        runs: 1,
      },
      expect.objectContaining({ date: '2027-03-10', agents: 4, runs: 3 }),
    ]);
    const other = (await api.bob.request('GET', '/api/v1/budget')).json();
    expect(other.today).toMatchObject({ agents: 0, runs: 0, remaining: 200, by_schedule: [] });
  });

  it('GET /api/v1/budget/coverage shows each item’s scheduled runs per local day, per schedule; 404 for another tenant’s schedule', async () => {
    const schedule = await scheduleWithItems({ daily_budget: 1, overlap_policy: 'allow' });
    // Created a minute later, so that it lists second (schedules list in creation order).
    api.setNow(T0 + 60_000);
    const other = await scheduleWithItems();
    const items: { id: string; journey_id?: string }[] = (
      await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`)
    ).json().items;
    const journeyItem = items.find((i) => i.journey_id !== undefined)!;
    const planItem = items.find((i) => i.journey_id === undefined)!;
    for (const at of [T0 - 2 * DAY, T0 - DAY, T0 + 120_000]) {
      api.setNow(at);
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`);
    }
    await api.alice.request('POST', '/api/v1/runs', {
      target: { type: 'journey', id: shop.browse.id },
    });

    const response = await api.alice.request('GET', '/api/v1/budget/coverage?days=3');
    expect(response.statusCode).toBe(200);
    const coverage = response.json();
    expect(coverage.timezone).toBe('UTC');
    expect(coverage.dates).toEqual(['2027-03-08', '2027-03-09', '2027-03-10']);
    expect(coverage.schedules.map((s: { schedule_id: string }) => s.schedule_id)).toEqual([
      schedule.id,
      other.id,
    ]);
    const [mine, theirs] = coverage.schedules;
    expect(mine.name).toBe('Nightly');
    // One run per tick rotates by staleness: never-run items by creation, then the stalest.
    const first = mine.items[0].item_id;
    const rows = new Map(
      mine.items.map((i: { item_id: string; target: unknown; runs: number[] }) => [
        i.item_id,
        { target: i.target, runs: i.runs },
      ]),
    );
    expect(rows.get(journeyItem.id)).toMatchObject({
      target: { type: 'journey', id: shop.browse.id },
    });
    expect(rows.get(planItem.id)).toMatchObject({
      target: { type: 'test_plan', id: shop.plan.id },
    });
    expect(rows.get(first)).toMatchObject({ runs: [1, 0, 1] });
    expect(rows.get(first === journeyItem.id ? planItem.id : journeyItem.id)).toMatchObject({
      runs: [0, 1, 0],
    });
    expect(theirs.items.map((i: { runs: number[] }) => i.runs)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);

    const one = (
      await api.alice.request('GET', `/api/v1/budget/coverage?schedule_id=${other.id}`)
    ).json();
    expect(one.dates).toHaveLength(14);
    expect(one.schedules.map((s: { schedule_id: string }) => s.schedule_id)).toEqual([other.id]);
    expect(
      (await api.bob.request('GET', `/api/v1/budget/coverage?schedule_id=${other.id}`)).statusCode,
    ).toBe(404);
    expect((await api.bob.request('GET', '/api/v1/budget/coverage')).json().schedules).toEqual([]);
    for (const query of ['days=0', 'days=32', 'schedule_id=x', 'page=2'])
      expect(
        (await api.alice.request('GET', `/api/v1/budget/coverage?${query}`)).statusCode,
        query,
      ).toBe(400);
  });

  it('GET /api/v1/schedules/{id}/forecast simulates the next ticks and says whether the window is met; paused, it does not fire; 404 across tenants', async () => {
    const schedule = await scheduleWithItems({ coverage_window_hours: 48 });
    const response = await api.alice.request(
      'GET',
      `/api/v1/schedules/${schedule.id}/forecast?days=7`,
    );
    expect(response.statusCode).toBe(200);
    const forecast = response.json();
    expect(forecast).toMatchObject({
      schedule_id: schedule.id,
      from: '2027-03-10T12:00:00Z',
      to: '2027-03-17T12:00:00Z',
      ticks_limited: false,
      coverage_window_hours: 48,
      verdict: { met: true, required_per_tick: null },
    });
    // Daily ticks, two per 48 h window: one run per tick alternates the two items.
    expect(forecast.ticks).toHaveLength(7);
    expect(forecast.ticks[0]).toMatchObject({ at: '2027-03-11T12:00:00Z', per_tick_budget: 1 });
    const runs = forecast.items.map((i: { runs: number }) => i.runs).sort();
    expect(runs).toEqual([3, 4]);
    expect(forecast.verdict.text).toMatch(/window 2 days: met/);

    const tight = await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, {
      daily_budget: 1,
      coverage_window_hours: 24,
    });
    expect(tight.statusCode).toBe(200);
    const short = (
      await api.alice.request('GET', `/api/v1/schedules/${schedule.id}/forecast`)
    ).json();
    expect(short.verdict).toMatchObject({ met: false, required_per_tick: 2 });
    expect(short.ticks).toHaveLength(14);

    await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, { enabled: false });
    const paused = (
      await api.alice.request('GET', `/api/v1/schedules/${schedule.id}/forecast`)
    ).json();
    expect(paused.ticks).toEqual([]);
    expect(paused.verdict).toEqual({
      met: false,
      text: 'the schedule does not fire in the next 14 days',
      required_per_tick: null,
    });

    const minutely = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 'every minute',
        cadence: { type: 'cron', expression: '* * * * *' },
      })
    ).json();
    const bounded = (
      await api.alice.request('GET', `/api/v1/schedules/${minutely.id}/forecast?days=31`)
    ).json();
    // 2,000 ticks a minute apart from 12:01: the horizon ends at the last, 21:20 the next day.
    expect(bounded).toMatchObject({ ticks_limited: true, to: '2027-03-11T21:20:00Z' });
    expect(bounded.ticks).toHaveLength(2_000);

    for (const query of ['?days=0', '?days=32', '?days=x', '?from=now'])
      expect(
        (await api.alice.request('GET', `/api/v1/schedules/${schedule.id}/forecast${query}`))
          .statusCode,
        query,
      ).toBe(400);
    for (const [caller, id] of [
      [api.bob, schedule.id],
      [api.alice, uuidv7(T0)],
      [api.alice, 'x'],
    ] as const)
      expect((await caller.request('GET', `/api/v1/schedules/${id}/forecast`)).statusCode).toBe(
        404,
      );
  });
});
