// Seed 1 step 2, "Register the OAuth app for scheduling": POST /ai/api/v1/oauth_app/register with
// an admin's token and no body answers 200 and exactly the seed's JSON, again on a repeat, and
// enables scheduling on behalf of users for the caller's tenant only.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, type ApiHarness } from './api-harness.ts';

const PATH = '/ai/api/v1/oauth_app/register';
const REGISTERED = '{"success":true,"message":"OAuth app registered successfully"}';

describeEachDatabase('registering the scheduling app', (fresh) => {
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

  const enabledAt = async (tenantId: string) =>
    (
      await db.database.db
        .selectFrom('tenants')
        .select('user_scheduling_enabled_at')
        .where('id', '=', tenantId)
        .executeTakeFirstOrThrow()
    ).user_scheduling_enabled_at;

  it('answers an admin with an empty JSON-typed body 200 and the seed’s exact JSON, also on a repeat', async () => {
    const first = await api.admin.request('POST', PATH, undefined, {
      'content-type': 'application/json',
    });
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe(REGISTERED);
    const at = await enabledAt(api.admin.tenantId);
    expect(at).not.toBeNull();
    api.setNow((at as number) + 60_000);
    const again = await api.admin.request('POST', PATH, {});
    expect([again.statusCode, again.body]).toEqual([200, REGISTERED]);
    // Registering again keeps the first time; the other tenant is untouched.
    expect(await enabledAt(api.admin.tenantId)).toBe(at);
    expect(await enabledAt(api.bob.tenantId)).toBeNull();
  });

  it('refuses a member (403), no token (401), unknown fields (400) and other media types (415)', async () => {
    const member = await api.alice.request('POST', PATH);
    expect(member.statusCode).toBe(403);
    expect(member.headers['content-type']).toContain('application/problem+json');
    expect(member.json()).toMatchObject({ code: 'forbidden' });
    const anonymous = await api.app.inject({ method: 'POST', url: PATH });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    const extra = await api.admin.request('POST', PATH, { app: 'other' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().errors).toEqual([
      { field: '/app', code: 'field_not_allowed', message: 'Unknown field "app".' },
    ]);
    const text = await api.admin.request('POST', PATH, 'register', {
      'content-type': 'text/plain',
    });
    expect(text.statusCode).toBe(415);
    expect(await enabledAt(api.admin.tenantId)).toBeNull();
  });
});
