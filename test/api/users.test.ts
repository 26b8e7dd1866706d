// /api/v1/users over real HTTP (SPEC section 7, issue 13): admins create, list, change and delete
// a tenant's users; a tenant keeps one admin; emails are unique per tenant; removing a user ends
// their sessions, revokes their grants and pauses their schedules; other tenants see nothing.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';
import { Browser, createUser } from './browser.ts';

describeEachDatabase('users', (fresh) => {
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

  const signedIn = async (email: string, password: string) => {
    const browser = new Browser(base);
    const answer = await browser.signIn(email, password);
    expect(answer.status).toBe(201);
    return browser;
  };

  it('creates, lists, changes and deletes users; a generated password is shown once and signs in', async () => {
    const created = await api.admin.request('POST', '/api/v1/users', {
      email: 'Grace@Example.test',
      name: 'Grace Hopper',
      role: 'admin',
    });
    expect(created.statusCode).toBe(201);
    const grace = created.json();
    expect(grace).toEqual({
      id: expect.any(String),
      email: 'grace@example.test',
      name: 'Grace Hopper',
      role: 'admin',
      tenant_id: api.admin.tenantId,
      created_at: '2027-03-10T12:00:00Z',
      updated_at: '2027-03-10T12:00:00Z',
      last_sign_in_at: null,
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    });
    const browser = await signedIn('grace@example.test', grace.password);
    const read = await browser.request('GET', `/api/v1/users/${grace.id}`);
    expect(read.body).toEqual({
      ...grace,
      password: undefined,
      last_sign_in_at: '2027-03-10T12:00:00Z',
    });
    expect(read.body).not.toHaveProperty('password');

    const given = await browser.write('POST', '/api/v1/users', {
      email: 'linus@example.test',
      password: 'chosen by the admin',
    });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ role: 'member', name: 'linus' });
    expect(given.body).not.toHaveProperty('password');

    const list = await browser.request('GET', '/api/v1/users');
    expect(list.status).toBe(200);
    const listed = list.body as { data: { email: string; last_sign_in_at: string | null }[] };
    expect(listed.data.map((u) => u.email).sort()).toEqual([
      'grace@example.test',
      'linus@example.test',
    ]);
    expect(listed.data.find((u) => u.email === 'grace@example.test')?.last_sign_in_at).toBe(
      '2027-03-10T12:00:00Z',
    );
    expect(JSON.stringify(list.body)).not.toContain('scrypt');

    const linus = given.body as { id: string };
    const renamed = await browser.write('PATCH', `/api/v1/users/${linus.id}`, { name: 'Linus' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: linus.id, name: 'Linus' });

    const deleted = await browser.write('DELETE', `/api/v1/users/${linus.id}`);
    expect(deleted.status).toBe(204);
    expect((await browser.write('DELETE', `/api/v1/users/${linus.id}`)).status).toBe(404);
    const actions = await db.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'user.%')
      .execute();
    expect(actions.map((a) => a.action).sort()).toEqual([
      'user.create',
      'user.create',
      'user.delete',
      'user.update',
    ]);
  });

  it('keeps one admin per tenant: the last cannot be demoted or deleted (409 last_admin)', async () => {
    const first = await createUser(api.admin, { email: 'first@example.test', role: 'admin' });
    const demote = await api.admin.request('PATCH', `/api/v1/users/${first.id}`, {
      role: 'member',
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json()).toMatchObject({ code: 'last_admin' });
    const remove = await api.admin.request('DELETE', `/api/v1/users/${first.id}`);
    expect(remove.json()).toMatchObject({ code: 'last_admin' });

    await createUser(api.admin, { email: 'second@example.test', role: 'admin' });
    const now = await api.admin.request('PATCH', `/api/v1/users/${first.id}`, { role: 'member' });
    expect(now.statusCode).toBe(200);
    expect(now.json()).toMatchObject({ role: 'member' });
  });

  it('refuses a second user with an email the tenant has, whatever its case (409 email_taken)', async () => {
    const ada = await createUser(api.admin, { email: 'ada@example.test' });
    const again = await api.admin.request('POST', '/api/v1/users', {
      email: 'ADA@example.test',
      password: 'another password',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'email_taken' });
    const other = await createUser(api.admin, { email: 'bea@example.test' });
    const clash = await api.admin.request('PATCH', `/api/v1/users/${other.id}`, {
      email: ada.email,
    });
    expect(clash.json()).toMatchObject({ code: 'email_taken' });
    // Another tenant may have the same email.
    const elsewhere = await api.bobAdmin.request('POST', '/api/v1/users', { email: ada.email });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('lets only admins manage users', async () => {
    expect((await api.alice.request('GET', '/api/v1/users')).statusCode).toBe(403);
    const member = await createUser(api.admin, { email: 'member@example.test' });
    const browser = await signedIn(member.email, member.password);
    const answer = await browser.write('POST', '/api/v1/users', { email: 'x@example.test' });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'forbidden' });
  });

  it('ends a deleted user’s sessions and pauses their schedules with a note', async () => {
    await api.admin.request('POST', '/ai/api/v1/oauth_app/register', {});
    const { project } = await seedProject(api.admin);
    const ada = await createUser(api.admin, { email: 'ada@example.test', name: 'Ada' });
    const browser = await signedIn(ada.email, ada.password);
    const made = await browser.write('POST', '/api/v1/schedules', {
      project_id: project.id,
      name: 'Ada’s nightly',
    });
    expect(made.status).toBe(201);
    const schedule = made.body as { id: string; owner: unknown; enabled: boolean };
    expect(schedule.owner).toEqual({ kind: 'user', id: ada.id, name: 'Ada' });
    expect(schedule.enabled).toBe(true);

    expect((await api.admin.request('DELETE', `/api/v1/users/${ada.id}`)).statusCode).toBe(204);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(401);
    expect((await browser.request('GET', '/api/v1/projects')).status).toBe(401);
    const read = (await api.admin.request('GET', `/api/v1/schedules/${schedule.id}`)).json();
    expect(read).toMatchObject({
      enabled: false,
      next_runs: [],
      next_tick_at: null,
      pause_note: 'Paused because its owner’s account was deleted.',
      owner: { kind: 'user', id: ada.id, name: null },
    });
    expect(api.wakes()).toBeGreaterThan(0);
  });

  it('revokes a demoted admin’s grant, ends their sessions and pauses their schedules', async () => {
    await api.admin.request('POST', '/ai/api/v1/oauth_app/register', {});
    const { project } = await seedProject(api.admin);
    const ada = await createUser(api.admin, { email: 'ada@example.test', role: 'admin' });
    await createUser(api.admin, { email: 'keeper@example.test', role: 'admin' });
    const browser = await signedIn(ada.email, ada.password);
    const made = await browser.write('POST', '/api/v1/schedules', {
      project_id: project.id,
      name: 'Ada’s nightly',
    });
    const schedule = made.body as { id: string };
    const now = api.now();
    await db.database.db
      .insertInto('grants')
      .values({
        id: '01900000-0000-7000-8000-000000000001',
        tenant_id: api.admin.tenantId,
        user_id: ada.id,
        client_id: 'rc_app',
        scopes: 'read write',
        status: 'active',
        expires_at: now + 86_400_000,
        refresh_digest: 'digest',
        refresh_sealed: 'sealed',
        created_at: now,
        updated_at: now,
      })
      .execute();

    const demoted = await api.admin.request('PATCH', `/api/v1/users/${ada.id}`, {
      role: 'member',
    });
    expect(demoted.statusCode).toBe(200);
    expect((await browser.request('GET', '/api/v1/session')).status).toBe(401);
    const grant = await db.database.db
      .selectFrom('grants')
      .select(['status', 'revoked_reason'])
      .executeTakeFirstOrThrow();
    expect(grant).toEqual({ status: 'revoked', revoked_reason: 'user_removed' });
    const read = (await api.admin.request('GET', `/api/v1/schedules/${schedule.id}`)).json();
    expect(read).toMatchObject({ enabled: false, owner: { kind: 'user', name: 'ada' } });
    expect(read.pause_note).toMatch(/demoted/);
    const audited = await db.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('action', 'in', ['grant.revoke', 'schedule.pause', 'user.update'])
      .execute();
    expect(audited.map((a) => a.action).sort()).toEqual([
      'grant.revoke',
      'schedule.pause',
      'user.update',
    ]);
  });

  it('shows no user of another tenant: it is a 404 there', async () => {
    const ada = await createUser(api.admin, { email: 'ada@example.test' });
    const listed = (await api.bobAdmin.request('GET', '/api/v1/users')).json();
    expect(listed.data).toEqual([]);
    const patch = await api.bobAdmin.request('PATCH', `/api/v1/users/${ada.id}`, { name: 'X' });
    expect(patch.statusCode).toBe(404);
    expect((await api.bobAdmin.request('DELETE', `/api/v1/users/${ada.id}`)).statusCode).toBe(404);
    // The user is untouched.
    const mine = (await api.admin.request('GET', '/api/v1/users')).json();
    expect(mine.data).toMatchObject([{ id: ada.id, name: 'ada' }]);
  });

  it('gates a user’s schedules on the tenant’s registration; machine clients never wait', async () => {
    const { project } = await seedProject(api.admin);
    const ada = await createUser(api.admin, { email: 'ada@example.test' });
    const browser = await signedIn(ada.email, ada.password);
    const refused = await browser.write('POST', '/api/v1/schedules', {
      project_id: project.id,
      name: 'Too early',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: 'scheduling_not_enabled',
      detail: 'Scheduling is not enabled for your organisation; ask an admin.',
    });
    const byClient = await api.alice.request('POST', '/api/v1/schedules', {
      project_id: project.id,
      name: 'Client’s',
      enabled: false,
    });
    expect(byClient.statusCode).toBe(201);
    const id = byClient.json().id;
    const enable = await browser.write('PATCH', `/api/v1/schedules/${id}`, { enabled: true });
    expect(enable.status).toBe(403);
    expect(enable.body).toMatchObject({ code: 'scheduling_not_enabled' });
    const rename = await browser.write('PATCH', `/api/v1/schedules/${id}`, { name: 'Renamed' });
    expect(rename.status).toBe(200);

    await api.admin.request('POST', '/ai/api/v1/oauth_app/register', {});
    expect(
      (await browser.write('PATCH', `/api/v1/schedules/${id}`, { enabled: true })).status,
    ).toBe(200);
    const made = await browser.write('POST', '/api/v1/schedules', {
      project_id: project.id,
      name: 'Now allowed',
    });
    expect(made.status).toBe(201);
  });
});
