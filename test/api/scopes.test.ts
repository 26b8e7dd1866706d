// A token does only what its scopes cover, whatever its role allows: `read` to read, `write` to
// change anything, `admin` (besides the admin role) for admin routes (SPEC section 7).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, type ApiHarness } from './api-harness.ts';

describeEachDatabase('token scopes in the API', (fresh) => {
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

  it('lets a read-only token read and refuses its every change with insufficient_scope', async () => {
    const reader = api.scoped('member', ['read']);
    expect((await reader.request('GET', '/api/v1/projects')).statusCode).toBe(200);
    const refused = await reader.request('POST', '/api/v1/projects', { name: 'x' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'insufficient_scope' });
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", scope="write"',
    );
    expect((await api.alice.request('GET', '/api/v1/projects')).json().data).toEqual([]);
    const writer = api.scoped('member', ['write']);
    expect((await writer.request('GET', '/api/v1/projects')).json()).toMatchObject({
      code: 'insufficient_scope',
    });
  });

  it('refuses admin routes to an admin whose token leaves out the admin scope', async () => {
    const narrowed = api.scoped('admin', ['read', 'write']);
    const clients = await narrowed.request('GET', '/api/v1/clients');
    expect(clients.statusCode).toBe(403);
    expect(clients.json().code).toBe('insufficient_scope');
    const register = await narrowed.request('POST', '/ai/api/v1/oauth_app/register');
    expect([register.statusCode, register.json().code]).toEqual([403, 'insufficient_scope']);
    expect((await api.admin.request('GET', '/api/v1/clients')).statusCode).toBe(200);
  });
});
