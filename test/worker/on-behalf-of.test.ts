// Acting on behalf (issue 13), on SQLite and PostgreSQL: the tokens agents and tools receive,
// verified against Rota's JWKS served from a real loopback server, and the worker's http calls
// carrying them, for user-owned and client-owned schedules and for runs started directly.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { AUTH_T0, PUBLIC_URL, randomSecretKey } from '../../src/auth/auth.test-helpers.ts';
import { GrantTokens } from '../../src/auth/grant-tokens.ts';
import { OnBehalfOf } from '../../src/auth/on-behalf-of.ts';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { parseSecretKey } from '../../src/auth/secret-key.ts';
import { SigningKeys } from '../../src/auth/signing-keys.ts';
import { tokenParties } from '../../src/auth/token-service.ts';
import type { Database } from '../../src/storage/database.ts';
import { revokeGrant } from '../../src/storage/grant-store.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';
import { httpExecutor } from '../../src/worker/executors/http/http-executor.ts';
import { parseAllowList } from '../../src/worker/net/address-policy.ts';
import { executeRun } from '../../src/worker/run-runner.ts';
import { DAY, seedGrant, seedUser } from '../fixtures/people.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { insertRun, insertTick, tickRun } from './call-fixtures.ts';

let agent: Server;
let agentOrigin: string;
const AGENT_URL = () => `${agentOrigin}/agent/walk`;
const received: IncomingHttpHeaders[] = [];
let jwksServer: Server;
let jwksUrl: URL;
let serveJwks: () => Promise<unknown> = () => Promise.resolve({ keys: [] });

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  agent = createServer((request, response) => {
    received.push(request.headers);
    request.resume();
    request.on('end', () =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ output: { answered: true } })),
    );
  });
  agentOrigin = await listen(agent);
  jwksServer = createServer((_request, response) => {
    void serveJwks().then((body) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    );
  });
  jwksUrl = new URL('/.well-known/jwks.json', await listen(jwksServer));
});
afterAll(async () => {
  await new Promise<void>((resolve) => agent.close(() => resolve()));
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
});

/** Rota's identity on `database` with a settable clock, its JWKS served on loopback. */
function identityOn(database: Database, clock: { now: number }) {
  const box = new SecretBox(parseSecretKey(randomSecretKey())!);
  const now = () => clock.now;
  const keys = new SigningKeys({ database, box, now });
  serveJwks = () => keys.jwks();
  const parties = tokenParties(PUBLIC_URL);
  const grants = new GrantTokens({
    database,
    box,
    keys,
    ...parties,
    now,
    newId: randomUUID,
    grantTtlMs: 90 * DAY,
  });
  return { keys, obo: new OnBehalfOf({ database, keys, grants, issuer: parties.issuer, now }) };
}

/** Verifies a token as an agent at `origin` would, at the test clock's instant. */
const verifyAt = (token: string, origin: string, clock: { now: number }) =>
  jwtVerify(token, createRemoteJWKSet(jwksUrl), {
    issuer: PUBLIC_URL,
    audience: origin,
    algorithms: ['EdDSA'],
    currentDate: new Date(clock.now),
  });

describeEachDatabase('on-behalf-of tokens', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
    received.length = 0;
  });

  const liveGrant = (database: Database, tenantId: string, userId: string) =>
    seedGrant(database.db, {
      tenantId,
      userId,
      createdAt: AUTH_T0 - DAY,
      expiresAt: AUTH_T0 + 30 * DAY,
    });

  it('mints a token for a user-owned schedule’s run that verifies against the JWKS with every claim', async () => {
    current = await fresh();
    const { database } = current;
    const clock = { now: AUTH_T0 };
    const { keys, obo } = identityOn(database, clock);
    const run = await tickRun(database, 'user', AGENT_URL());
    await liveGrant(database, run.tenant, run.userId);

    const outcome = await obo.onBehalfOf({ id: run.runId }, `${agentOrigin}/agent/walk?x=1`);
    if (!outcome.ok) throw new Error(outcome.message);
    const { payload, protectedHeader } = await verifyAt(outcome.bearer, agentOrigin, clock);
    expect(protectedHeader).toEqual({
      alg: 'EdDSA',
      kid: (await keys.signingKey()).kid,
      typ: 'obo+jwt',
    });
    expect(payload).toEqual({
      iss: PUBLIC_URL,
      sub: run.userId,
      sub_kind: 'user',
      act: { sub: 'rota' },
      aud: agentOrigin,
      tenant: run.tenant,
      run_id: run.runId,
      iat: AUTH_T0 / 1000,
      exp: AUTH_T0 / 1000 + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    // The token is for that origin only: another callee refuses it.
    await expect(verifyAt(outcome.bearer, 'http://127.0.0.1:1', clock)).rejects.toThrow(/aud/);
  });

  it('refreshes the grant once for many calls, and stops at once when the grant is revoked', async () => {
    current = await fresh();
    const { database } = current;
    const clock = { now: AUTH_T0 };
    const { obo } = identityOn(database, clock);
    const run = await tickRun(database, 'user', AGENT_URL());
    const grantId = await liveGrant(database, run.tenant, run.userId);
    const url = `${agentOrigin}/agent/walk`;
    const first = await obo.onBehalfOf({ id: run.runId }, url);
    const second = await obo.onBehalfOf({ id: run.runId }, url);
    expect(first.ok && second.ok).toBe(true);
    // Each call has its own token (its own jti), but the grant was refreshed once.
    if (first.ok && second.ok) expect(first.bearer).not.toBe(second.bearer);
    const refreshes = () =>
      database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'grant.refresh')
        .execute();
    expect(await refreshes()).toHaveLength(1);
    // Past the access token's life the next call refreshes again.
    clock.now += 15 * 60_000;
    expect((await obo.onBehalfOf({ id: run.runId }, url)).ok).toBe(true);
    expect(await refreshes()).toHaveLength(2);

    await revokeGrant(database.db, grantId, 'user', clock.now);
    expect(await obo.onBehalfOf({ id: run.runId }, url)).toEqual({
      ok: false,
      code: 'authorization_failed',
      message: expect.stringContaining(
        'Authorization failed: the schedule’s owner has an authorisation that was revoked.',
      ) as unknown,
    });
  });

  it('acts as the client for a client-owned schedule, with no grant', async () => {
    current = await fresh();
    const { database } = current;
    const clock = { now: AUTH_T0 };
    const { obo } = identityOn(database, clock);
    const run = await tickRun(database, 'client', AGENT_URL());
    const outcome = await obo.onBehalfOf({ id: run.runId }, `${agentOrigin}/agent/walk`);
    if (!outcome.ok) throw new Error(outcome.message);
    const { payload } = await verifyAt(outcome.bearer, agentOrigin, clock);
    expect(payload).toMatchObject({ sub: 'client-1', sub_kind: 'client', act: { sub: 'rota' } });
  });

  it('acts for the user who started a run directly, and needs their grant', async () => {
    current = await fresh();
    const { database } = current;
    const clock = { now: AUTH_T0 };
    const { obo } = identityOn(database, clock);
    const seeded = await tickRun(database, 'client', AGENT_URL());
    const starter = await seedUser(database.db, seeded.tenant, AUTH_T0);
    const runId = await insertRun(database, seeded, {
      tick_id: null,
      trigger: 'manual',
      by: starter,
    });
    const url = `${agentOrigin}/agent/walk`;
    expect(await obo.onBehalfOf({ id: runId }, url)).toEqual({
      ok: false,
      code: 'authorization_failed',
      message: expect.stringContaining(
        'the user who started this run has not authorised Rota',
      ) as unknown,
    });
    await liveGrant(database, seeded.tenant, starter);
    const outcome = await obo.onBehalfOf({ id: runId }, url);
    if (!outcome.ok) throw new Error(outcome.message);
    expect((await verifyAt(outcome.bearer, agentOrigin, clock)).payload).toMatchObject({
      sub: starter,
      sub_kind: 'user',
      run_id: runId,
    });
  });

  it('sends the http agent a bearer token for the owner, and fails the run when the grant is gone', async () => {
    current = await fresh();
    const { database } = current;
    const clock = { now: AUTH_T0 };
    const { obo } = identityOn(database, clock);
    const run = await tickRun(database, 'user', AGENT_URL());
    const grantId = await liveGrant(database, run.tenant, run.userId);
    const store = workerStore(database);
    const deps = {
      store,
      now: () => clock.now,
      executors: {
        http: httpExecutor({
          allow: parseAllowList(['127.0.0.1']),
          now: () => clock.now,
          identity: obo,
        }),
      },
      leaseMs: 60_000,
      heartbeatMs: 10_000,
    };
    const claim = async () =>
      (await store.claimRuns({ workerId: 'w', now: clock.now, leaseMs: 60_000, limit: 1 }))[0]!;
    expect(await executeRun(deps, await claim())).toBe('completed');
    expect(received).toHaveLength(1);
    const bearer = /^Bearer (.+)$/.exec(received[0]!.authorization ?? '')?.[1];
    expect(bearer).toBeDefined();
    expect(decodeProtectedHeader(bearer!).typ).toBe('obo+jwt');
    const { payload } = await verifyAt(bearer!, agentOrigin, clock);
    expect(payload).toMatchObject({ sub: run.userId, act: { sub: 'rota' }, aud: agentOrigin });

    await revokeGrant(database.db, grantId, 'user', clock.now);
    const nextTick = await insertTick(database, run, AUTH_T0 + DAY);
    const again = await insertRun(database, run, { tick_id: nextTick, trigger: 'schedule' });
    expect(await executeRun(deps, await claim())).toBe('failed');
    expect(received).toHaveLength(1);
    const failed = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code', 'error_message'])
      .where('id', '=', again)
      .executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    expect(failed.error_code).toBe('authorization_failed');
    expect(failed.error_message).toContain('click Authorize to refresh your credentials');
  });

  it('sends the callee’s own configured Authorization instead of the token', async () => {
    current = await fresh();
    const { database } = current;
    const clock = { now: AUTH_T0 };
    const { obo } = identityOn(database, clock);
    const run = await tickRun(database, 'client', AGENT_URL());
    const result = await httpExecutor({
      allow: parseAllowList(['127.0.0.1']),
      now: () => clock.now,
      identity: obo,
    }).call({
      runId: run.runId,
      stepId: `${run.runId}:0`,
      attempt: 1,
      idempotencyKey: `${run.runId}:0`,
      input: {},
      parameters: {},
      callee: 'agent',
      config: { url: `${agentOrigin}/agent/walk`, headers: { Authorization: 'Key abc' } },
      signal: new AbortController().signal,
    });
    expect(result.output).toEqual({ answered: true });
    expect(received.map((h) => h.authorization)).toEqual(['Key abc']);
  });
});
