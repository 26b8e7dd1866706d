// Only its owner may change a user-owned schedule's items and settings; an admin may pause or
// delete it (issue 13, "Acting on behalf"): nobody can point another person's runs, which carry
// that person's token, somewhere else.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';
import { Browser, createUser } from './browser.ts';

describeEachDatabase('a user-owned schedule', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let base: string;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    base = await api.listen();
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const person = async (email: string, role: 'admin' | 'member') => {
    const user = await createUser(api.admin, { email, role });
    const browser = new Browser(base);
    expect((await browser.signIn(email, user.password)).status).toBe(201);
    return browser;
  };

  it('is changed by its owner only; an admin may pause or delete it; a machine client neither', async () => {
    expect((await api.admin.request('POST', '/ai/api/v1/oauth_app/register')).statusCode).toBe(200);
    const { project, browse, checkout } = await seedProject(api.admin);
    const ada = await person('ada@example.test', 'member');
    const bea = await person('bea@example.test', 'member');
    const root = await person('root@example.test', 'admin');
    const made = await ada.write('POST', '/api/v1/schedules', {
      project_id: project.id,
      name: 'Ada’s nightly',
    });
    expect(made.status).toBe(201);
    const id = (made.body as { id: string }).id;
    const item = await ada.write('POST', `/api/v1/schedules/${id}/items`, {
      journey_id: browse.id,
    });
    expect(item.status).toBe(201);
    const itemId = (item.body as { id: string }).id;

    const refused = [
      await bea.write('PATCH', `/api/v1/schedules/${id}`, { name: 'mine now' }),
      await bea.write('PATCH', `/api/v1/schedules/${id}`, { enabled: false }),
      await bea.write('DELETE', `/api/v1/schedules/${id}`),
      await bea.write('POST', `/api/v1/schedules/${id}/items`, { journey_id: checkout.id }),
      await root.write('PATCH', `/api/v1/schedules/${id}/items/${itemId}`, {
        parameters: { base_url: 'https://evil.example' },
      }),
      await root.write('DELETE', `/api/v1/schedules/${id}/items/${itemId}`),
      await root.write('PATCH', `/api/v1/schedules/${id}`, { daily_budget: 99 }),
    ];
    expect(refused.map((r) => [r.status, (r.body as { code: string }).code])).toEqual(
      Array(7).fill([403, 'not_owner']),
    );
    const machine = await api.admin.request('PATCH', `/api/v1/schedules/${id}`, { name: 'x' });
    expect([machine.statusCode, machine.json().code]).toEqual([403, 'not_owner']);

    expect(
      (await ada.write('PATCH', `/api/v1/schedules/${id}/items/${itemId}`, { priority: 5 })).status,
    ).toBe(200);
    const paused = await root.write('PATCH', `/api/v1/schedules/${id}`, {
      enabled: false,
      pause_note: 'paused by an admin',
    });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ enabled: false, pause_note: 'paused by an admin' });
    expect((await root.write('DELETE', `/api/v1/schedules/${id}`)).status).toBe(204);
  });
});
