// Signing in and out over real HTTP with a cookie jar (SPEC section 7, issue 13): the cookie's
// attributes, rotation on sign-in (no fixation), CSRF on unsafe requests, throttling, the same
// answer for a wrong email and a wrong password, sign-out, lifetimes, and the audit trail.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SessionService } from '../../src/auth/sessions.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, type ApiHarness } from './api-harness.ts';
import { Browser, createUser } from './browser.ts';

describeEachDatabase('sessions', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let base: string;
  let user: { id: string; email: string; password: string };
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    base = await api.listen();
    // The harness makes both tenants in one millisecond: tenant-a is the older one here.
    await db.database.db
      .updateTable('tenants')
      .set({ created_at: api.now() + 1 })
      .where('name', '=', 'tenant-b')
      .execute();
    user = await createUser(api.admin, { email: 'Ada@Example.test', role: 'member' });
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  it('signs in with 201, the user and a CSRF token, and an HttpOnly SameSite=Lax cookie', async () => {
    const browser = new Browser(base);
    const answer = await browser.signIn('ada@example.test', user.password);
    expect(answer.status).toBe(201);
    expect(answer.body).toEqual({
      user: {
        id: user.id,
        email: 'ada@example.test',
        role: 'member',
        tenant_id: api.admin.tenantId,
      },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const setCookie = answer.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^rota_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Lax; Path=\//);
    expect(setCookie).not.toContain('Secure');

    const again = await browser.request('GET', '/api/v1/session');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(answer.body);
    // Only the digest of the id is stored.
    const cookieId = browser.cookie?.split('=')[1] ?? '';
    const stored = await db.database.db.selectFrom('sessions').select('id_digest').execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]?.id_digest).not.toContain(cookieId);
  });

  it('never keeps a session id the browser brought: signing in makes a new one and ends the old', async () => {
    const browser = new Browser(base);
    browser.cookie = 'rota_session=chosen-by-an-attacker';
    await browser.signIn(user.email, user.password);
    const first = browser.cookie;
    expect(first).not.toBe('rota_session=chosen-by-an-attacker');
    expect(first).toMatch(/^rota_session=[A-Za-z0-9_-]{43}$/);

    await browser.signIn(user.email, user.password);
    expect(browser.cookie).not.toBe(first);
    const old = new Browser(base);
    old.cookie = first;
    expect((await old.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await old.request('GET', '/api/v1/projects')).status).toBe(401);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(200);
  });

  it('refuses a session’s write without X-CSRF-Token with 403 csrf_failed, and takes it with one', async () => {
    const browser = new Browser(base);
    await browser.signIn(user.email, user.password);
    const bare = await browser.request('POST', '/api/v1/projects', { name: 'Shop' });
    expect(bare.status).toBe(403);
    expect(bare.body).toMatchObject({ code: 'csrf_failed' });
    const wrong = await browser.request(
      'POST',
      '/api/v1/projects',
      { name: 'Shop' },
      { 'x-csrf-token': 'not-the-token' },
    );
    expect(wrong.body).toMatchObject({ code: 'csrf_failed' });
    expect((await browser.request('GET', '/api/v1/projects')).body).toMatchObject({ data: [] });

    const written = await browser.write('POST', '/api/v1/projects', { name: 'Shop' });
    expect(written.status).toBe(201);
    const list = await browser.request('GET', '/api/v1/projects');
    expect(list.body).toMatchObject({ data: [{ name: 'Shop' }] });
  });

  it('tries a bearer token before the session', async () => {
    const browser = new Browser(base);
    await browser.signIn(user.email, user.password);
    // A member's session, but the admin client's token decides: no CSRF needed, admin routes open.
    const answer = await browser.request('GET', '/api/v1/users', undefined, {
      authorization: `Bearer ${api.admin.token}`,
    });
    expect(answer.status).toBe(200);
    const asMember = await browser.request('GET', '/api/v1/users');
    expect(asMember.status).toBe(403);
  });

  it('answers a wrong email and a wrong password alike: 401 invalid_credentials', async () => {
    const wrongPassword = await new Browser(base).signIn(user.email, 'not the password');
    const wrongEmail = await new Browser(base).signIn('nobody@example.test', user.password);
    expect(wrongPassword.status).toBe(401);
    expect(wrongEmail.status).toBe(401);
    expect(wrongPassword.body).toMatchObject({ code: 'invalid_credentials' });
    expect(wrongEmail.text).toBe(wrongPassword.text);
    expect(wrongEmail.headers.get('set-cookie')).toBeNull();
  });

  it('refuses the eleventh sign-in after ten failures with 429 and Retry-After, right password or not', async () => {
    const browser = new Browser(base);
    for (let i = 0; i < 10; i++)
      expect((await browser.signIn(user.email, `wrong ${i}`)).status).toBe(401);
    const refused = await browser.signIn(user.email, user.password);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'too_many_sign_ins' });
    expect(Number(refused.headers.get('retry-after'))).toBe(15 * 60);
    // Fifteen minutes after the first failure the address may try again.
    api.setNow(api.now() + 15 * 60_000);
    expect((await browser.signIn(user.email, user.password)).status).toBe(201);
  });

  it('signs out with 204: the session ends and the cookie is cleared', async () => {
    const browser = new Browser(base);
    await browser.signIn(user.email, user.password);
    const kept = browser.cookie;
    const forged = await browser.request('DELETE', '/api/v1/session');
    expect(forged.status).toBe(403);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(200);

    const out = await browser.write('DELETE', '/api/v1/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^rota_session=; .*Max-Age=0/);
    expect(browser.cookie).toBeUndefined();
    const replay = new Browser(base);
    replay.cookie = kept;
    expect((await replay.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await replay.request('GET', '/api/v1/projects')).status).toBe(401);
  });

  it('ends a session unused for the idle lifetime, and any session at its absolute end', async () => {
    const browser = new Browser(base);
    await browser.signIn(user.email, user.password);
    const start = api.now();
    // Used every ten hours, it outlives the twelve-hour idle lifetime…
    for (let hours = 10; hours < 168; hours += 10) {
      api.setNow(start + hours * 3_600_000);
      expect((await browser.request('GET', '/api/v1/session')).status).toBe(200);
    }
    // …but not its 168 hours.
    api.setNow(start + 168 * 3_600_000);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(401);

    const idle = new Browser(base);
    await idle.signIn(user.email, user.password);
    api.setNow(api.now() + 12 * 3_600_000);
    expect((await idle.request('GET', '/api/v1/session')).status).toBe(401);
  });

  it('audits sign-in success and failure (anonymous, naming the email) and sign-out', async () => {
    const browser = new Browser(base);
    await browser.signIn('nobody@example.test', 'x');
    api.setNow(api.now() + 1_000);
    await browser.signIn(user.email, user.password);
    api.setNow(api.now() + 1_000);
    await browser.write('DELETE', '/api/v1/session');
    const rows = await db.database.db
      .selectFrom('audit_log')
      .select(['tenant_id', 'action', 'actor_kind', 'actor_id', 'outcome', 'ip', 'detail'])
      .where('action', 'like', 'session.%')
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        tenant_id: api.admin.tenantId,
        action: 'session.sign_in',
        actor_kind: 'anonymous',
        actor_id: null,
        outcome: 'failure',
        ip: '127.0.0.1',
        detail: JSON.stringify({ email: 'nobody@example.test', reason: 'invalid_credentials' }),
      },
      expect.objectContaining({ action: 'session.sign_in', actor_id: user.id, outcome: 'success' }),
      expect.objectContaining({
        action: 'session.sign_out',
        actor_id: user.id,
        outcome: 'success',
      }),
    ]);
    const signedIn = await db.database.db
      .selectFrom('users')
      .select('last_sign_in_at')
      .where('id', '=', user.id)
      .executeTakeFirst();
    expect(signedIn?.last_sign_in_at).toBe(api.now() - 1_000);
  });

  it('signs in to the tenant named when an email is a user of two, else to the oldest', async () => {
    const other = await createUser(api.bobAdmin, {
      email: user.email,
      password: 'bob tenant pass',
    });
    const plain = await new Browser(base).signIn(user.email, user.password);
    expect(plain.body).toMatchObject({ user: { tenant_id: api.admin.tenantId } });
    const named = await new Browser(base).signIn(user.email, other.password, 'tenant-b');
    expect(named.body).toMatchObject({ user: { id: other.id, tenant_id: api.bob.tenantId } });
    // Without the name, the other tenant's password is simply wrong.
    expect((await new Browser(base).signIn(user.email, other.password)).status).toBe(401);
  });

  it('marks the cookie Secure when ROTA_PUBLIC_URL is https', async () => {
    const sessions = new SessionService({
      database: db.database,
      now: () => api.now(),
      publicUrl: 'https://rota.example.test',
      idleMinutes: 720,
      maxHours: 168,
    });
    const outcome = await sessions.signIn({
      email: user.email,
      password: user.password,
      ip: '::1',
    });
    if (!outcome.ok) throw new Error(outcome.code);
    expect(outcome.setCookie).toMatch(/; Secure$/);
    expect(sessions.clearCookie()).toMatch(/; Secure$/);
  });
});
