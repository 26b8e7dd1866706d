// The command line's API commands against a real `rota serve`: login keeps checked credentials
// (owner-only), then schedules list|show|pause|resume read and change what the API holds, with
// tables for people and the API's JSON for scripts; failures carry their codes.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.test-helpers.ts';
import { loadConfig } from '../../src/config.ts';
import { createMachineClient, serve, type RunningServer } from '../../src/main.ts';

let server: RunningServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

async function started() {
  const loaded = loadConfig({
    ROTA_DATA_DIR: tempDir('rota-cli-api-'),
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const created = await createMachineClient(loaded.config, {
    tenant: undefined,
    role: 'admin',
    name: 'cli',
    now: Date.now(),
  });
  server = await serve(loaded.config, { role: 'api', logDestination: { write: () => undefined } });
  const env = { XDG_CONFIG_HOME: tempDir('rota-cli-home-') };
  return { url: server.url, env, clientId: created.client.client_id, secret: created.clientSecret };
}

/** A project with a journey, and a daily 09:00 schedule over it, made through the API. */
async function seedSchedule(url: string, clientId: string, secret: string) {
  const tokenAnswer = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token } = (await tokenAnswer.json()) as { access_token: string };
  const post = async (path: string, body: object) =>
    (await (
      await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json()) as { id: string };
  const project = await post('/api/v1/projects', { name: 'Shop' });
  const agent = await post('/api/v1/agents', {
    project_id: project.id,
    name: 'walker',
    kind: 'builtin',
    config: { builtin: 'http_journey' },
  });
  const journey = await post('/api/v1/journeys', {
    project_id: project.id,
    name: 'Browse',
    agent_id: agent.id,
  });
  const schedule = await post('/api/v1/schedules', {
    project_id: project.id,
    name: 'Nightly checks',
    cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'], timezone: 'UTC' },
  });
  await post(`/api/v1/schedules/${schedule.id}/items`, { journey_id: journey.id });
  return schedule.id;
}

it('logs in, lists and shows schedules, pauses and resumes one', async () => {
  const { url, env, clientId, secret } = await started();
  const login = await runCli(
    ['login', '--url', url, '--client-id', clientId, '--client-secret', secret],
    env,
  );
  expect(login.code).toBe(0);
  expect(login.stdout).toContain(`Logged in to ${url} as ${clientId}`);
  const file = join(env.XDG_CONFIG_HOME, 'rota', 'credentials.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);

  const id = await seedSchedule(url, clientId, secret);
  const list = await runCli(['schedules', 'list'], env);
  expect(list.code).toBe(0);
  const [header, row] = list.stdout.trimEnd().split('\n');
  expect(header?.split(/\s{2,}/)).toEqual([
    'ID',
    'NAME',
    'CADENCE',
    'NEXT RUN',
    'RUNS',
    'LAST RUN',
    'STATE',
  ]);
  expect(row?.split(/\s{2,}/)).toEqual([
    id,
    'Nightly checks',
    'Daily at 9:00 AM UTC',
    expect.stringMatching(/T09:00:00Z$/),
    '0',
    '-',
    'enabled',
  ]);
  const json = JSON.parse((await runCli(['schedules', 'list', '--json'], env)).stdout);
  expect(json.data.map((s: { id: string }) => s.id)).toEqual([id]);

  const shown = await runCli(['schedules', 'show', id], env);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('Daily at 9:00 AM UTC');
  expect(shown.stdout.match(/T09:00:00Z/g)).toHaveLength(5);
  expect(shown.stdout).toContain('items (1):');

  const paused = await runCli(['schedules', 'pause', id, '--note', 'shop is moving'], env);
  expect([paused.code, paused.stdout]).toEqual([0, 'Nightly checks: paused\n']);
  const after = JSON.parse((await runCli(['schedules', 'show', id, '--json'], env)).stdout);
  expect(after).toMatchObject({ enabled: false, pause_note: 'shop is moving', next_tick_at: null });
  const resumed = await runCli(['schedules', 'resume', id], env);
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toMatch(/^Nightly checks: resumed; next run .*T09:00:00Z\n$/);
});

it('reports failures with their codes: not logged in, a wrong secret, an unknown id, a stopped server', async () => {
  const { url, env, clientId, secret } = await started();
  const notLoggedIn = await runCli(['schedules', 'list', '--json'], env);
  expect(notLoggedIn.code).toBe(1);
  expect(JSON.parse(notLoggedIn.stdout).errors[0].code).toBe('not_logged_in');

  const wrong = await runCli(
    ['login', '--url', url, '--client-id', clientId, '--client-secret', 'rs_wrong'],
    env,
  );
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/\(token_refused\)\n$/);

  expect(
    (await runCli(['login', '--url', url, '--client-id', clientId, '--client-secret', secret], env))
      .code,
  ).toBe(0);
  const missing = await runCli(['schedules', 'show', '0190e0e0-0000-7000-8000-000000000000'], env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/\(not_found\)\n$/);
  const malformed = await runCli(['schedules', 'pause', 'x', '--json'], env);
  expect(JSON.parse(malformed.stdout).errors[0].code).toBe('not_found');

  await server?.stop();
  server = undefined;
  const gone = await runCli(['schedules', 'list'], env);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toMatch(/\(server_unreachable\)\n$/);
  expect(gone.stderr).toContain(`Nothing answers at ${url} (`);
  expect(gone.stderr).toContain('ROTA_PUBLIC_URL or ROTA_PORT');
});

it('logs in at ROTA_PORT on this machine when no --url is given, and names the URL it used', async () => {
  const { url, env, clientId, secret } = await started();
  const port = new URL(url).port;
  const login = await runCli(['login', '--client-id', clientId, '--client-secret', secret], {
    ...env,
    ROTA_PORT: port,
  });
  expect(login.code).toBe(0);
  expect(login.stdout).toMatch(new RegExp(`^Logged in to http://127\\.0\\.0\\.1:${port} as `));
  const nowhere = await runCli(['login', '--client-id', clientId, '--client-secret', secret], {
    ...env,
    ROTA_PUBLIC_URL: 'http://127.0.0.1:1',
  });
  expect(nowhere.code).toBe(1);
  expect(nowhere.stderr).toContain('Nothing answers at http://127.0.0.1:1 (');
});
