// The Authorize popup's flow and the grants it makes, on SQLite and PostgreSQL: the happy path,
// then each attack issue 13 names: a wrong PKCE verifier, a reused code, a foreign redirect URI,
// a rotated refresh token presented again, another tenant's user or code, another session.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AUTH_T0, PUBLIC_URL, randomSecretKey } from '../../src/auth/auth.test-helpers.ts';
import { AuthorizeFlow, CODE_TTL_MS } from '../../src/auth/authorize-flow.ts';
import { GrantTokens } from '../../src/auth/grant-tokens.ts';
import { newVerifier, s256Challenge } from '../../src/auth/pkce.ts';
import {
  appSecret,
  callbackUrl,
  ensureRegisteredApps,
  registerScheduling,
  type SchedulingAppRow,
} from '../../src/auth/scheduling-app.ts';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { parseSecretKey } from '../../src/auth/secret-key.ts';
import { SigningKeys } from '../../src/auth/signing-keys.ts';
import { tokenEndpoint } from '../../src/auth/token-endpoint.ts';
import { TokenService, tokenParties } from '../../src/auth/token-service.ts';
import type { AuthorizingUser } from '../../src/core/authorize-request.ts';
import { latestGrant } from '../../src/storage/grant-store.ts';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { findSchedulingApp } from '../../src/storage/scheduling-app-store.ts';
import { ensureTenantNamed } from '../../src/storage/tenant-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';

const TTL = 90 * 86_400_000;

describeEachDatabase('the Authorize flow', (fresh) => {
  let db: TestDatabase;
  let clock: { now: number };
  let flow: AuthorizeFlow;
  let token: ReturnType<typeof tokenEndpoint>;
  let grants: GrantTokens;
  let box: SecretBox;
  let app: SchedulingAppRow;
  let alice: AuthorizingUser;
  let mallory: AuthorizingUser;

  const newId = () => uuidv7(clock.now);

  async function userIn(tenant: string, email: string): Promise<AuthorizingUser> {
    const { id: tenantId } = await ensureTenantNamed(db.database, tenant, {
      id: newId(),
      now: clock.now,
    });
    const id = newId();
    await db.database.db
      .insertInto('users')
      .values({
        id,
        tenant_id: tenantId,
        email,
        name: email.split('@')[0]!,
        role: 'member',
        password_hash: 'scrypt$unused',
        last_sign_in_at: null,
        created_at: clock.now,
        updated_at: clock.now,
      })
      .execute();
    return { userId: id, tenantId, email, name: email, sessionDigest: `session-of-${email}` };
  }

  beforeEach(async () => {
    db = await fresh();
    clock = { now: AUTH_T0 };
    const now = () => clock.now;
    const database = db.database;
    box = new SecretBox(parseSecretKey(randomSecretKey())!);
    const keys = new SigningKeys({ database, box, now });
    const parties = tokenParties(PUBLIC_URL);
    const service = new TokenService({ database, keys, ...parties, now });
    grants = new GrantTokens({ database, box, keys, ...parties, now, newId, grantTtlMs: TTL });
    token = tokenEndpoint(service, grants);
    const context = { database, box, publicUrl: PUBLIC_URL, now, newId };
    flow = new AuthorizeFlow({
      ...context,
      grantTtlMs: TTL,
      exchange: (request) =>
        token({
          grantType: 'authorization_code',
          scope: undefined,
          refreshToken: undefined,
          ...request,
        }),
    });
    alice = await userIn('acme', 'alice@acme.test');
    mallory = await userIn('evil', 'mallory@evil.test');
    await registerScheduling(context, alice.tenantId, clock.now);
    await registerScheduling(context, mallory.tenantId, clock.now);
    app = (await findSchedulingApp(database, alice.tenantId))!;
  });
  afterEach(() => db.dispose());

  const params = (challenge: string, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: app.client_id,
    redirect_uri: callbackUrl(PUBLIC_URL),
    scope: 'read write',
    state: 'state-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });

  /** A code approved by `user` for a verifier the test knows. */
  async function approvedCode(user: AuthorizingUser, verifier = newVerifier()) {
    const answer = await flow.decide(user, params(s256Challenge(verifier)), true);
    if (answer.kind !== 'redirect') throw new Error(answer.description);
    const location = new URL(answer.location);
    return { code: location.searchParams.get('code')!, verifier, location };
  }

  const exchange = (code: string, verifier: string, redirectUri = callbackUrl(PUBLIC_URL)) =>
    token({
      grantType: 'authorization_code',
      clientId: app.client_id,
      clientSecret: appSecret(box, app),
      scope: undefined,
      code,
      redirectUri,
      codeVerifier: verifier,
      refreshToken: undefined,
    });

  const refresh = (refreshToken: string) =>
    token({
      grantType: 'refresh_token',
      clientId: app.client_id,
      clientSecret: appSecret(box, app),
      scope: undefined,
      refreshToken,
    });

  it('starts, consents, calls back and stores a grant bound to the user, sealed, with a fixed expiry', async () => {
    const started = await flow.start(alice);
    if (!started.ok) throw new Error('not started');
    const location = new URL(started.location, PUBLIC_URL);
    expect(location.pathname).toBe('/oauth/authorize');
    const query = Object.fromEntries(location.searchParams);
    expect(query).toMatchObject({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: `${PUBLIC_URL}/oauth/callback`,
      code_challenge_method: 'S256',
    });
    const consent = await flow.check(alice, query);
    expect(consent).toMatchObject({ kind: 'consent', appName: 'Rota scheduling' });
    const decided = await flow.decide(alice, query, true);
    if (decided.kind !== 'redirect') throw new Error('no redirect');
    const back = new URL(decided.location);
    expect(back.origin + back.pathname).toBe(`${PUBLIC_URL}/oauth/callback`);
    expect(back.searchParams.get('state')).toBe(query.state);
    const result = await flow.callback(alice, {
      state: back.searchParams.get('state')!,
      code: back.searchParams.get('code')!,
    });
    expect(result).toEqual({ ok: true, expiresAt: clock.now + TTL });
    const grant = await latestGrant(db.database.db, alice.tenantId, alice.userId);
    expect(grant).toMatchObject({
      status: 'active',
      scopes: 'read write',
      expires_at: AUTH_T0 + TTL,
    });
    expect(grant!.refresh_sealed).not.toContain('rrt_');
    // The attempt is single-use.
    const again = await flow.callback(alice, { state: query.state!, code: 'x' });
    expect(again.ok).toBe(false);
  });

  it('a denial goes back with access_denied and makes no grant', async () => {
    const answer = await flow.decide(alice, params(s256Challenge(newVerifier())), false);
    expect(answer.kind).toBe('redirect');
    const location = new URL((answer as { location: string }).location);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('code')).toBeNull();
    expect(await latestGrant(db.database.db, alice.tenantId, alice.userId)).toBeUndefined();
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { code } = await approvedCode(alice);
    const outcome = await exchange(code, newVerifier());
    expect(outcome).toMatchObject({ ok: false, error: 'invalid_grant' });
    expect(await latestGrant(db.database.db, alice.tenantId, alice.userId)).toBeUndefined();
  });

  it('a reused code is refused and revokes the grant it issued', async () => {
    const { code, verifier } = await approvedCode(alice);
    const first = await exchange(code, verifier);
    expect(first.ok).toBe(true);
    const second = await exchange(code, verifier);
    expect(second).toMatchObject({ ok: false, error: 'invalid_grant' });
    const grant = await latestGrant(db.database.db, alice.tenantId, alice.userId);
    expect(grant).toMatchObject({ status: 'revoked', revoked_reason: 'code_reuse' });
    const audit = await db.database.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('tenant_id', '=', alice.tenantId)
      .where('action', '=', 'grant.reuse_detected')
      .execute();
    expect(audit).toEqual([{ action: 'grant.reuse_detected', outcome: 'denied' }]);
  });

  it('a code lives 60 seconds', async () => {
    const { code, verifier } = await approvedCode(alice);
    clock.now += CODE_TTL_MS + 1;
    expect(await exchange(code, verifier)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('never redirects to a foreign redirect URI, and a code is bound to its own', async () => {
    const verifier = newVerifier();
    const foreign = params(s256Challenge(verifier), { redirect_uri: 'https://evil.test/cb' });
    expect(await flow.check(alice, foreign)).toMatchObject({ kind: 'page' });
    expect(await flow.decide(alice, foreign, true)).toMatchObject({ kind: 'page' });
    const { code } = await approvedCode(alice, verifier);
    const outcome = await exchange(code, verifier, `${PUBLIC_URL}/oauth/callback/`);
    expect(outcome).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('a rotated refresh token presented again revokes the whole grant', async () => {
    const { code, verifier } = await approvedCode(alice);
    const issued = await exchange(code, verifier);
    if (!issued.ok) throw new Error(issued.description);
    const first = issued.response.refresh_token!;
    clock.now += 60_000;
    const rotated = await refresh(first);
    if (!rotated.ok) throw new Error(rotated.description);
    const second = rotated.response.refresh_token!;
    expect(second).not.toBe(first);
    // Refreshing never moves the grant's end.
    expect(await latestGrant(db.database.db, alice.tenantId, alice.userId)).toMatchObject({
      status: 'active',
      expires_at: AUTH_T0 + TTL,
    });
    expect(await refresh(first)).toMatchObject({ ok: false, error: 'invalid_grant' });
    expect(await latestGrant(db.database.db, alice.tenantId, alice.userId)).toMatchObject({
      status: 'revoked',
      revoked_reason: 'refresh_reuse',
    });
    expect(await refresh(second)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('serialises concurrent refreshes of one grant', async () => {
    const { code, verifier } = await approvedCode(alice);
    const issued = await exchange(code, verifier);
    if (!issued.ok) throw new Error(issued.description);
    const grantId = (await latestGrant(db.database.db, alice.tenantId, alice.userId))!.id;
    const outcomes = await Promise.all([grants.accessFor(grantId), grants.accessFor(grantId)]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
    const grant = await latestGrant(db.database.db, alice.tenantId, alice.userId);
    expect(grant).toMatchObject({ status: 'active', refresh_generation: 2 });
  });

  it('keeps tenants apart: another tenant’s user cannot use this app, nor redeem a code', async () => {
    const verifier = newVerifier();
    expect(await flow.check(mallory, params(s256Challenge(verifier)))).toMatchObject({
      kind: 'page',
      description: expect.stringContaining('another organisation'),
    });
    // Mallory (tenant evil) starts her own attempt and tries to land Alice's code in it.
    const started = await flow.start(mallory);
    if (!started.ok) throw new Error('not started');
    const state = new URL(started.location, PUBLIC_URL).searchParams.get('state')!;
    const { code } = await approvedCode(alice);
    const result = await flow.callback(mallory, { state, code });
    expect(result).toMatchObject({ ok: false });
    expect(await latestGrant(db.database.db, mallory.tenantId, mallory.userId)).toBeUndefined();
    expect(await latestGrant(db.database.db, alice.tenantId, alice.userId)).toBeUndefined();
    // Acme's admins are told, twice: the app, then the code.
    const denials = await db.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'target_kind', 'outcome'])
      .where('tenant_id', '=', alice.tenantId)
      .where('action', '=', 'access.cross_tenant_denied')
      .orderBy('id')
      .execute();
    expect(denials).toEqual([
      { actor_id: mallory.userId, target_kind: 'client', outcome: 'denied' },
      { actor_id: mallory.userId, target_kind: 'user', outcome: 'denied' },
    ]);
  });

  it('binds the attempt to the session that started it', async () => {
    const started = await flow.start(alice);
    if (!started.ok) throw new Error('not started');
    const query = Object.fromEntries(new URL(started.location, PUBLIC_URL).searchParams);
    const decided = await flow.decide(alice, query, true);
    if (decided.kind !== 'redirect') throw new Error('no redirect');
    const back = new URL(decided.location).searchParams;
    const otherBrowser = { ...alice, sessionDigest: 'another-session' };
    const result = await flow.callback(otherBrowser, {
      state: back.get('state')!,
      code: back.get('code')!,
    });
    expect(result).toMatchObject({ ok: false, description: expect.stringContaining('session') });
    expect(await latestGrant(db.database.db, alice.tenantId, alice.userId)).toBeUndefined();
  });

  it('gives a tenant registered before the scheduling app existed its app at start-up, once', async () => {
    const { id: tenantId } = await ensureTenantNamed(db.database, 'older', {
      id: newId(),
      now: clock.now,
    });
    await db.database.db
      .updateTable('tenants')
      .set({ user_scheduling_enabled_at: clock.now })
      .where('id', '=', tenantId)
      .execute();
    const context = {
      database: db.database,
      box,
      publicUrl: PUBLIC_URL,
      now: () => clock.now,
      newId,
    };
    expect(await ensureRegisteredApps(context)).toBe(1);
    expect(await ensureRegisteredApps(context)).toBe(0);
    expect(await findSchedulingApp(db.database, tenantId)).toMatchObject({
      kind: 'scheduling_app',
      redirect_uri: `${PUBLIC_URL}/oauth/callback`,
      grant_types: '["authorization_code","refresh_token"]',
    });
  });

  it('refuses to start before the tenant registered scheduling', async () => {
    const carol = await userIn('unregistered', 'carol@u.test');
    expect(await flow.start(carol)).toEqual({ ok: false, code: 'scheduling_not_enabled' });
  });
});
