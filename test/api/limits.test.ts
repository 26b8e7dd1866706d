// Rate limits per client and per tenant (429 + Retry-After), and the API on a real socket.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, T0, type ApiHarness } from './api-harness.ts';

describeEachDatabase('rate limits', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database, {
      rateLimits: { perClient: { burst: 3, perSecond: 1 }, perTenant: { burst: 5, perSecond: 1 } },
    });
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  it('answers a client over its rate with 429 and Retry-After, and lets it in again after that', async () => {
    for (let i = 0; i < 3; i++)
      expect((await api.alice.request('GET', '/api/v1/projects')).statusCode).toBe(200);
    const refused = await api.alice.request('GET', '/api/v1/projects');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json().code).toBe('rate_limited');
    api.setNow(T0 + 1_000);
    expect((await api.alice.request('GET', '/api/v1/projects')).statusCode).toBe(200);
  });

  it('counts every client of a tenant against the tenant’s rate, and no other tenant’s', async () => {
    for (let i = 0; i < 3; i++) await api.alice.request('GET', '/api/v1/projects');
    expect((await api.admin.request('GET', '/api/v1/projects')).statusCode).toBe(200);
    expect((await api.admin.request('GET', '/api/v1/projects')).statusCode).toBe(200);
    expect((await api.admin.request('GET', '/api/v1/projects')).statusCode).toBe(429);
    expect((await api.bob.request('GET', '/api/v1/projects')).statusCode).toBe(200);
  });

  it('counts seed 1’s /ai/api/v1 route against the same allowance as /api/v1, never a second one', async () => {
    const register = () => api.admin.request('POST', '/ai/api/v1/oauth_app/register');
    expect((await register()).statusCode).toBe(200);
    for (let i = 0; i < 2; i++)
      expect((await api.admin.request('GET', '/api/v1/projects')).statusCode).toBe(200);
    const refused = await register();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect((await api.admin.request('GET', '/api/v1/projects')).statusCode).toBe(429);
  });
});

describeEachDatabase('the API on a socket', (fresh) => {
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

  it('creates and reads over HTTP on 127.0.0.1, and refuses an oversized body with 413', async () => {
    const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const headers = {
      authorization: `Bearer ${api.alice.token}`,
      'content-type': 'application/json',
    };
    const created = await fetch(`${base}/api/v1/projects`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'Shop' }),
    });
    expect(created.status).toBe(201);
    const project = (await created.json()) as { id: string };
    const read = await fetch(`${base}/api/v1/projects/${project.id}`, { headers });
    expect(await read.json()).toMatchObject({ id: project.id, name: 'Shop' });
    const huge = await fetch(`${base}/api/v1/projects`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'x'.repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
  });
});
