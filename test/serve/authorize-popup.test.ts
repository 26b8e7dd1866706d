// The person's whole path against a live `rota serve`, over real HTTP with a cookie jar (issue 13,
// "Must show"): sign in; scheduling refused before registration; register; authorise through the
// popup's pages (start → consent → approve → callback); a schedule whose http agent, served here
// on loopback, receives an on-behalf-of JWT that verifies against Rota's JWKS; revoke → the run
// fails with authorization_failed; a clock past the grant's end → authorization_expired;
// re-authorise → the next tick completes.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { systemClock, type Clock } from '../../src/engine/clock.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { CookieJar, freePort, readForm, submitForm } from '../api/cookie-jar.ts';

const PASSWORD = 'correct horse battery staple';
const DAY = 86_400_000;

let server: RunningServer | undefined;
let agent: Server | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (agent !== undefined) {
    agent.closeAllConnections();
    await new Promise<void>((resolve) => agent!.close(() => resolve()));
    agent = undefined;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An http agent on loopback that records each call's Authorization header and succeeds. */
async function startAgent(): Promise<{ url: string; calls: string[] }> {
  const calls: string[] = [];
  agent = createServer((request: IncomingMessage, response) => {
    request.resume();
    request.on('end', () => {
      calls.push(request.headers.authorization ?? '');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ output: { ok: true } }));
    });
  });
  agent.listen(0, '127.0.0.1');
  await once(agent, 'listening');
  return { url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}/run`, calls };
}

it('signs in, registers, authorises through the popup, acts on behalf, and stops when the grant is revoked or expired', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rota-popup-'));
  dirs.push(dir);
  const { url: agentUrl, calls } = await startAgent();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: String(port),
    ROTA_HOST: '127.0.0.1',
    ROTA_PUBLIC_URL: publicUrl,
    ROTA_LOG_LEVEL: 'debug',
    ROTA_ADMIN_EMAIL: 'ada@example.test',
    ROTA_ADMIN_PASSWORD: PASSWORD,
    ROTA_OUTBOUND_ALLOW: '127.0.0.1',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  let offset = 0;
  const clock: Clock = {
    now: () => Date.now() + offset,
    timer: (delayMs, fire) => systemClock.timer(delayMs, fire),
  };
  // Every line logged, at debug: none may hold a password, token, code or refresh token.
  const log: string[] = [];
  const secrets: string[] = [PASSWORD];
  server = await serve(loaded.config, {
    role: 'all',
    clock,
    logDestination: { write: (chunk: string) => void log.push(chunk) },
  });
  const jar = new CookieJar(publicUrl);

  const signIn = async () => {
    const response = await jar.fetch('/api/v1/session', {
      method: 'POST',
      json: { email: 'ada@example.test', password: PASSWORD },
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { user: { id: string }; csrf_token: string };
    jar.csrf = body.csrf_token;
    secrets.push(body.csrf_token, jar.cookie('rota_session')!);
    return body.user.id;
  };
  // The popup's own sign-in form, for a signed-out visitor: same origin only, never sent away.
  const signedOut = await jar.fetch('/oauth/start');
  expect(signedOut.status).toBe(200);
  const signInPage = await signedOut.text();
  expect(readForm(signInPage)).toEqual({
    action: '/oauth/sign-in',
    fields: { return_to: '/oauth/start' },
  });
  const credentials = { email: 'ada@example.test', password: PASSWORD };
  const foreign = await jar.fetch('/oauth/sign-in', {
    method: 'POST',
    form: { ...credentials, return_to: '/oauth/start' },
    headers: { origin: 'https://evil.example' },
  });
  expect([foreign.status, jar.cookie('rota_session')]).toEqual([403, undefined]);
  const oversized = await jar.fetch('/oauth/sign-in', {
    method: 'POST',
    form: { ...credentials, return_to: 'x'.repeat(20_000) },
  });
  expect([oversized.status, oversized.headers.get('content-type')]).toEqual([
    413,
    'text/html; charset=utf-8',
  ]);
  const formSignIn = await jar.fetch('/oauth/sign-in', {
    method: 'POST',
    form: { ...credentials, return_to: '//evil.example/' },
    headers: { origin: publicUrl },
  });
  expect([formSignIn.status, formSignIn.headers.get('location')]).toEqual([303, '/']);
  const formCookie = jar.cookie('rota_session');
  expect(formCookie).toBeDefined();

  const userId = await signIn();
  // Signing in again replaced the form's session: a new id (no fixation).
  expect(jar.cookie('rota_session')).not.toBe(formCookie);
  const api = async (method: string, path: string, json?: unknown) => {
    const response = await jar.fetch(`/api/v1${path}`, { method, json });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  // Work can be set up before registration; scheduling cannot.
  const project = (await api('POST', '/projects', { name: 'Shop' })).body as { id: string };
  const refused = await api('POST', '/schedules', { project_id: project.id, name: 'Nightly' });
  expect(refused).toMatchObject({ status: 403, body: { code: 'scheduling_not_enabled' } });
  expect((await api('GET', '/authorization')).body).toMatchObject({ status: 'unavailable' });

  const registered = await jar.fetch('/ai/api/v1/oauth_app/register', { method: 'POST', json: {} });
  expect(registered.status).toBe(200);
  const none = (await api('GET', '/authorization')).body as {
    status: string;
    authorize_url: string;
  };
  expect(none).toMatchObject({ status: 'none', authorize_url: `${publicUrl}/oauth/start` });

  /** The popup: start → consent page → approve → callback, following each redirect by hand. */
  const authorise = async () => {
    const start = await jar.fetch(none.authorize_url);
    expect(start.status).toBe(302);
    const consentPath = start.headers.get('location')!;
    expect(consentPath.startsWith('/oauth/authorize?')).toBe(true);
    const consent = await jar.fetch(consentPath);
    expect(consent.status).toBe(200);
    expect(consent.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const page = await consent.text();
    expect(page).toContain('ada@example.test');
    // The decision without the session's CSRF token, or with another one, changes nothing.
    const { fields } = readForm(page);
    for (const csrf of [undefined, 'forged']) {
      const rest = Object.fromEntries(
        Object.entries(fields).filter(([name]) => name !== 'csrf_token'),
      );
      const forged = await jar.fetch('/oauth/authorize', {
        method: 'POST',
        form: { ...rest, ...(csrf === undefined ? {} : { csrf_token: csrf }), decision: 'approve' },
      });
      expect(forged.status).toBe(403);
    }
    const decided = await submitForm(jar, page, { decision: 'approve' });
    expect(decided.status).toBe(302);
    const callback = new URL(decided.headers.get('location')!);
    secrets.push(callback.searchParams.get('code')!, callback.searchParams.get('state')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${publicUrl}/oauth/callback`);
    const done = await jar.fetch(callback.toString());
    expect(done.status).toBe(200);
    const text = await done.text();
    expect(text).toContain('Authorization successful — you can close this window');
    expect(text).toContain('rota:authorized');
  };
  await authorise();
  const active = (await api('GET', '/authorization')).body as {
    status: string;
    expires_at: string;
  };
  expect(active.status).toBe('active');
  const expiresAt = Date.parse(active.expires_at);
  expect(expiresAt - clock.now()).toBeGreaterThan(89 * DAY);

  const callee = (
    await api('POST', '/agents', {
      project_id: project.id,
      name: 'checker',
      kind: 'http',
      config: { url: agentUrl },
    })
  ).body as { id: string };
  const journey = (
    await api('POST', '/journeys', { project_id: project.id, name: 'Buy', agent_id: callee.id })
  ).body as { id: string };
  const created = await api('POST', '/schedules', { project_id: project.id, name: 'Nightly' });
  expect(created.status).toBe(201);
  const schedule = created.body as { id: string; owner: { kind: string; id: string } };
  expect(schedule.owner).toMatchObject({ kind: 'user', id: userId });
  expect(
    (await api('POST', `/schedules/${schedule.id}/items`, { journey_id: journey.id })).status,
  ).toBe(201);

  /** Triggers a tick and waits (bounded) for its one run to end; the run and the tick entry. */
  const tick = async () => {
    const triggered = await api('POST', `/schedules/${schedule.id}/trigger`);
    expect(triggered.status).toBe(200);
    const entry = triggered.body as {
      items: { reason: string | null }[];
      runs: { id: string }[];
    };
    expect(entry.runs).toHaveLength(1);
    const runId = entry.runs[0]!.id;
    for (let i = 0; i < 200; i++) {
      const run = (await api('GET', `/runs/${runId}`)).body as {
        status: string;
        error: { code: string } | null;
      };
      if (['completed', 'failed', 'cancelled', 'timed_out'].includes(run.status))
        return { run, entry };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the run did not end in 10 s');
  };

  const first = await tick();
  expect(first.run.status).toBe('completed');
  expect(calls).toHaveLength(1);
  const bearer = calls[0]!.replace(/^Bearer /, '');
  secrets.push(bearer);
  const jwks = createRemoteJWKSet(new URL(`${publicUrl}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(bearer, jwks, {
    issuer: publicUrl,
    audience: new URL(agentUrl).origin,
  });
  expect(payload.sub).toBe(userId);
  expect(payload.act).toEqual({ sub: 'rota' });

  // Revoked: the tick still happens, its run fails without calling the agent.
  expect((await api('DELETE', '/authorization')).status).toBe(204);
  expect((await api('GET', '/authorization')).body).toMatchObject({ status: 'revoked' });
  const revoked = await tick();
  expect(revoked.run).toMatchObject({ status: 'failed' });
  expect(JSON.stringify(revoked.run)).toContain('authorization_failed');
  expect(revoked.entry.items[0]!.reason).toBe('authorization_required');
  expect(calls).toHaveLength(1);

  // Authorised again, then the clock passes the new grant's end.
  await authorise();
  const renewed = (await api('GET', '/authorization')).body as { expires_at: string };
  offset = Date.parse(renewed.expires_at) - Date.now() + DAY;
  await signIn(); // the session itself ended meanwhile
  expect((await api('GET', '/authorization')).body).toMatchObject({ status: 'expired' });
  const expired = await tick();
  expect(expired.run).toMatchObject({ status: 'failed' });
  expect(JSON.stringify(expired.run)).toContain('authorization_failed');
  expect(expired.entry.items[0]!.reason).toBe('authorization_expired');
  expect(calls).toHaveLength(1);

  await authorise();
  const last = await tick();
  expect(last.run.status).toBe('completed');
  expect(calls).toHaveLength(2);

  const logged = log.join('');
  expect(logged).toContain('/oauth/callback');
  for (const secret of secrets) expect(logged).not.toContain(secret);
  // Refresh tokens and authorisation codes by their shape, whatever their value.
  expect(logged).not.toMatch(/rrt_[0-9a-f-]{36}\./);
  expect(logged).not.toMatch(/[?&](code|state|code_verifier|code_challenge)=[A-Za-z0-9_-]{20}/);
});
