// The README's tour against a real `rota serve`: a client made on the command line's entry point,
// a token from /oauth/token, seed 1's registration curl byte for byte, then a project, an agent,
// a journey and a schedule through the API with that token.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import {
  createMachineClient,
  serve,
  type CreatedClient,
  type RunningServer,
} from '../../src/main.ts';

const run = promisify(execFile);
const REGISTERED = '{"success":true,"message":"OAuth app registered successfully"}';

let server: RunningServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'rota-tour-'));
  dirs.push(dir);
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const client = (role: 'admin' | 'member') =>
    createMachineClient(loaded.config, { tenant: undefined, role, name: role, now: Date.now() });
  const admin = await client('admin');
  const member = await client('member');
  server = await serve(loaded.config, { role: 'all', logDestination: { write: () => undefined } });
  const url = server.url;
  const token = async (created: CreatedClient, scope?: string) => {
    const response = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${created.client.client_id}:${created.clientSecret}`).toString('base64')}`,
      },
      body: `grant_type=client_credentials${scope === undefined ? '' : `&scope=${scope}`}`,
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  return {
    url,
    admin: await token(admin),
    member: await token(member),
    reader: await token(admin, 'read'),
  };
}

/** Seed 1's curl, as the guide prints it, plus `-w` for the status line. */
const registerWithCurl = (url: string, token: string) =>
  run('curl', [
    '-sS',
    '-X',
    'POST',
    `${url}/ai/api/v1/oauth_app/register`,
    '-H',
    `Authorization: Bearer ${token}`,
    '-H',
    'Content-Type: application/json',
    '-w',
    '\n%{http_code}',
  ]);

it('registers the scheduling app with the seed’s curl byte for byte, again on a repeat, and refuses a member', async () => {
  const { url, admin, member } = await start();
  for (let i = 0; i < 2; i++) {
    const { stdout } = await registerWithCurl(url, admin);
    expect(stdout).toBe(`${REGISTERED}\n200`);
  }
  const refused = await registerWithCurl(url, member);
  expect(refused.stdout.endsWith('\n403')).toBe(true);
  expect(JSON.parse(refused.stdout.split('\n')[0]!)).toMatchObject({
    status: 403,
    code: 'forbidden',
  });
  const anonymous = await run('curl', [
    '-sS',
    '-X',
    'POST',
    `${url}/ai/api/v1/oauth_app/register`,
    '-w',
    '\n%{http_code}',
  ]);
  expect(anonymous.stdout.endsWith('\n401')).toBe(true);
});

it('answers no token with a bare Bearer challenge and a forged one with invalid_token (RFC 6750)', async () => {
  const { url, admin } = await start();
  const [header = '', payload = '', signature = ''] = admin.split('.');
  const forged = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  const get = (authorization?: string) =>
    fetch(`${url}/api/v1/projects`, {
      headers: authorization === undefined ? {} : { authorization },
    });
  const anonymous = await get();
  expect(anonymous.status).toBe(401);
  expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  const refused = await get(`Bearer ${forged}`);
  expect(refused.status).toBe(401);
  expect(refused.headers.get('www-authenticate')).toBe(
    'Bearer error="invalid_token", error_description="the signature does not verify"',
  );
  expect(((await refused.json()) as { code: string }).code).toBe('unauthenticated');
  expect(refused.headers.get('content-type')).toContain('application/problem+json');
  // An unsecured token (alg: none) with the real claims, and the real token with its payload
  // changed to another tenant: both refused the same way.
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as object;
  const unsecured = `${b64({ alg: 'none', typ: 'at+jwt' })}.${payload}.`;
  const moved = `${header}.${b64({ ...claims, tenant: 'another-tenant' })}.${signature}`;
  for (const token of [unsecured, moved]) {
    const answer = await get(`Bearer ${token}`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  }
});

it('takes a real token through the tour: a project, an agent, a journey, a schedule and its item', async () => {
  const { url, admin, reader } = await start();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const project = await call('POST', '/api/v1/projects', { name: 'Shop' });
  expect(project.status).toBe(201);
  const agent = await call('POST', '/api/v1/agents', {
    project_id: project.body.id,
    name: 'walker',
    kind: 'builtin',
    config: { builtin: 'http_journey' },
  });
  expect(agent.status).toBe(201);
  const journey = await call('POST', '/api/v1/journeys', {
    project_id: project.body.id,
    name: 'Browse',
    agent_id: agent.body.id,
    inputs: { base_url: 'https://shop.example/', steps: [{ path: '/' }] },
  });
  expect(journey.status).toBe(201);
  const schedule = await call('POST', '/api/v1/schedules', {
    project_id: project.body.id,
    name: 'Nightly',
  });
  expect(schedule.status).toBe(201);
  expect(schedule.body).toMatchObject({
    coverage_window_hours: 120,
    tick_interval_hours: 24,
    daily_budget: null,
    run_days: [1, 2, 3, 4, 5, 6, 7],
  });
  const item = await call('POST', `/api/v1/schedules/${String(schedule.body.id)}/items`, {
    journey_id: journey.body.id,
  });
  expect(item.status).toBe(201);
  expect(item.body).toMatchObject({ journey_id: journey.body.id, priority: 0 });
  const read = await call('GET', `/api/v1/schedules/${String(schedule.body.id)}`);
  expect(read.status).toBe(200);
  expect(read.body.next_runs).toHaveLength(5);
  expect(read.body.items).toHaveLength(1);
  const readOnly = await fetch(`${url}/api/v1/projects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Not allowed' }),
  });
  expect(readOnly.status).toBe(403);
  expect(((await readOnly.json()) as { code: string }).code).toBe('insufficient_scope');
  const forged = await fetch(`${url}/api/v1/projects`, {
    headers: { authorization: `Bearer ${admin.slice(0, -4)}AAAA` },
  });
  expect(forged.status).toBe(401);
});
