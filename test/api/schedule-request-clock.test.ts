// A schedule's cadence is checked and resolved once per request, against the server's injected
// clock (ApiDeps.now), never the machine's: here that clock stands in January 2020, years before
// the machine's, so a cadence that ends in 2021 is valid and anchors at the clock's minute.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

/** Monday 2020-01-06, 08:15:30 UTC. */
const CLOCK = Date.UTC(2020, 0, 6, 8, 15, 30);
const END = '2021-01-01T00:00:00Z';

describeEachDatabase('the request clock of a schedule’s cadence', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let projectId: string;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    projectId = (await seedProject(api.alice)).project.id;
    api.setNow(CLOCK);
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const create = (body: object) =>
    api.alice.request('POST', '/api/v1/schedules', { project_id: projectId, name: 'n', ...body });

  it('anchors an interval without anchor_time at the injected clock’s minute and validates it then', async () => {
    const response = await create({
      cadence: { type: 'interval', tick_interval_hours: 24, end_at: END },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      anchor_time: '08:15',
      cadence: { type: 'interval', anchor_time: '08:15', origin_date: '2020-01-06', end_at: END },
      next_tick_at: '2020-01-07T08:15:00Z',
      created_at: '2020-01-06T08:15:30Z',
    });
  });

  it('refuses a cadence that ended before the injected clock’s now, though not before the machine’s', async () => {
    api.setNow(Date.UTC(2040, 0, 1));
    const response = await create({
      cadence: { type: 'cron', expression: '@daily', end_at: '2039-01-01T00:00:00Z' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'schedule_never_fires',
      errors: [expect.objectContaining({ field: '/cadence', code: 'schedule_never_fires' })],
    });
    expect(response.json().errors[0].message).toMatch(/after 2040-01-01T00:00:00Z/);
    const preview = await api.alice.request('POST', '/api/v1/schedules/preview', {
      cadence: { type: 'cron', expression: '@daily', end_at: '2039-01-01T00:00:00Z' },
    });
    expect(preview.json()).toMatchObject({
      code: 'schedule_never_fires',
      errors: [expect.objectContaining({ field: '/cadence' })],
    });
  });

  it('checks a PATCH’s whole new cadence against the injected clock', async () => {
    const schedule = (await create({})).json();
    const response = await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, {
      cadence: { type: 'cron', expression: '0 9 * * *', end_at: END },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().next_tick_at).toBe('2020-01-06T09:00:00Z');
  });

  it('previews from the injected clock when the request gives no from', async () => {
    const response = await api.alice.request('POST', '/api/v1/schedules/preview', {
      cadence: { type: 'interval', tick_interval_hours: 6, end_at: END },
      count: 2,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      cadence: { anchor_time: '08:15', origin_date: '2020-01-06' },
      next_runs: [{ at: '2020-01-06T14:15:00Z' }, { at: '2020-01-06T20:15:00Z' }],
    });
  });
});
