// /api/v1/clients: admins create a tenant's OAuth clients (the secret shown once), list them
// without secrets, and delete them; members are refused, other tenants see nothing.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, T0, type ApiHarness } from './api-harness.ts';

describeEachDatabase('OAuth clients in the API', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  it('creates a client with its secret shown once, lists it without one, and deletes it', async () => {
    const created = await api.admin.request('POST', '/api/v1/clients', { name: 'CI pipeline' });
    expect(created.statusCode).toBe(201);
    const client = created.json();
    expect(client).toMatchObject({ name: 'CI pipeline', role: 'member' });
    expect(client.client_id).toMatch(/^rc_/);
    expect(client.client_secret).toMatch(/^rs_[A-Za-z0-9_-]{43}$/);
    const listed = (await api.admin.request('GET', '/api/v1/clients')).json();
    const shown = Object.fromEntries(
      Object.entries(client).filter(([field]) => field !== 'client_secret'),
    );
    expect(listed).toEqual({ data: [shown], next_cursor: null });
    expect(JSON.stringify(listed)).not.toContain(client.client_secret);
    const stored = await db.database.db.selectFrom('oauth_clients').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(client.client_secret);
    expect((await api.admin.request('DELETE', `/api/v1/clients/${client.id}`)).statusCode).toBe(
      204,
    );
    expect((await api.admin.request('DELETE', `/api/v1/clients/${client.id}`)).statusCode).toBe(
      404,
    );
    expect((await api.admin.request('GET', '/api/v1/clients')).json().data).toEqual([]);
  });

  it('pages the list by id and refuses a tampered cursor', async () => {
    // Ids are time-ordered: one millisecond apart, the list order is the creation order.
    for (const [i, name] of ['a', 'b', 'c'].entries()) {
      api.setNow(T0 + i);
      await api.admin.request('POST', '/api/v1/clients', { name });
    }
    const first = (await api.admin.request('GET', '/api/v1/clients?limit=2')).json();
    expect(first.data.map((c: { name: string }) => c.name)).toEqual(['a', 'b']);
    const second = (
      await api.admin.request('GET', `/api/v1/clients?limit=2&cursor=${first.next_cursor}`)
    ).json();
    expect(second).toMatchObject({ data: [{ name: 'c' }], next_cursor: null });
    const tampered = await api.admin.request('GET', '/api/v1/clients?cursor=x' + first.next_cursor);
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().code).toBe('invalid_cursor');
  });

  it('refuses members on every client route, and another tenant’s admin sees none of them', async () => {
    const client = (await api.admin.request('POST', '/api/v1/clients', { name: 'ci' })).json();
    for (const [method, url, body] of [
      ['GET', '/api/v1/clients', undefined],
      ['POST', '/api/v1/clients', { name: 'x' }],
      ['DELETE', `/api/v1/clients/${client.id}`, undefined],
    ] as const) {
      const response = await api.alice.request(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json().code).toBe('forbidden');
    }
    expect((await api.bobAdmin.request('GET', '/api/v1/clients')).json().data).toEqual([]);
    expect((await api.bobAdmin.request('DELETE', `/api/v1/clients/${client.id}`)).statusCode).toBe(
      404,
    );
    const bad = await api.admin.request('POST', '/api/v1/clients', { name: 'x', role: 'owner' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: '/role' });
  });
});
