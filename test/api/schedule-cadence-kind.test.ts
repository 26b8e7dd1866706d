// A PATCH never changes a schedule's kind of cadence by implication: interval fields alone on a
// calendar schedule are a 400 naming its cadence; a whole new `cadence` still changes it.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

describeEachDatabase('changing a schedule’s kind of cadence', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let projectId: string;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    projectId = (await seedProject(api.alice)).project.id;
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const weekly = async () => {
    const response = await api.alice.request('POST', '/api/v1/schedules', {
      project_id: projectId,
      name: 'Weekly',
      cadence: { type: 'calendar', frequency: 'weekly', days_of_week: [1, 4], times: ['09:00'] },
      timezone: 'America/Los_Angeles',
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  it('refuses tick_interval_hours alone on a weekly calendar schedule with 400 naming its cadence, and keeps the cadence', async () => {
    const schedule = await weekly();
    const url = `/api/v1/schedules/${schedule.id}`;
    const response = await api.alice.request('PATCH', url, { tick_interval_hours: 6 });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const message =
      'This schedule runs on a weekly calendar cadence ("Weekly on Monday and Thursday at 9:00 AM PST"); ' +
      'tick_interval_hours belongs to an interval cadence. To change it to an interval, send the ' +
      'whole new cadence: "cadence", or tick_interval_hours, run_days and anchor_time together.';
    expect(response.json()).toMatchObject({
      status: 400,
      code: 'field_not_allowed',
      detail: `/tick_interval_hours: ${message}`,
      errors: [{ field: '/tick_interval_hours', code: 'field_not_allowed', message }],
    });
    const read = (await api.alice.request('GET', url)).json();
    expect(read).toEqual(schedule);
    expect(api.wakes()).toBe(1);
  });

  it('changes the kind when the PATCH sends a whole new cadence', async () => {
    const schedule = await weekly();
    const url = `/api/v1/schedules/${schedule.id}`;
    const response = await api.alice.request('PATCH', url, {
      cadence: { type: 'interval', tick_interval_hours: 6, anchor_time: '00:00' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      tick_interval_hours: 6,
      anchor_time: '00:00',
      cadence: { type: 'interval', tick_interval_hours: 6, timezone: 'UTC' },
      summary: 'Every 6 hours from 12:00 AM UTC',
    });
    expect((await api.alice.request('GET', url)).json().cadence.type).toBe('interval');
  });

  it('still moves a calendar schedule to another zone, and changes an interval schedule’s own fields', async () => {
    const schedule = await weekly();
    const moved = await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, {
      timezone: 'Europe/Berlin',
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().cadence).toMatchObject({ type: 'calendar', timezone: 'Europe/Berlin' });
    const interval = (
      await api.alice.request('POST', '/api/v1/schedules', { project_id: projectId, name: 'i' })
    ).json();
    const retimed = await api.alice.request('PATCH', `/api/v1/schedules/${interval.id}`, {
      tick_interval_hours: 6,
    });
    expect(retimed.statusCode).toBe(200);
    expect(retimed.json().cadence).toMatchObject({ type: 'interval', tick_interval_hours: 6 });
  });
});
