// What `rota serve` tells a person: where it answers, where its data is and what to do next at
// start; then, at info, each tick with its selected and skipped counts and each run's end with its
// findings; and a manual tick counted in rota_ticks_total{trigger="manual"}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createMachineClient, serve, type RunningServer } from '../../src/main.ts';

let server: RunningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown> & { msg: string };

it('logs its address and next step, each tick and each run with its findings, and counts manual ticks', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-log-'));
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'info',
    ROTA_OUTBOUND_ALLOW: '127.0.0.1',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const lines: Line[] = [];
  const admin = await createMachineClient(loaded.config, {
    tenant: undefined,
    role: 'admin',
    name: 'log test',
    now: Date.now(),
  });
  server = await serve(loaded.config, {
    role: 'all',
    logDestination: {
      write: (chunk: string) => {
        for (const line of chunk.split('\n')) if (line !== '') lines.push(JSON.parse(line) as Line);
      },
    },
  });
  const { url } = server;

  const ready = lines.find((l) => l.msg === 'rota is serving');
  expect(ready).toMatchObject({ url, role: 'all', data: `${dir}/rota.db` });
  const next = lines[lines.indexOf(ready!) + 1];
  expect(next?.msg).toContain('npx rota clients create --json');

  const tokenAnswer = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${admin.client.client_id}:${admin.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
  const post = async (path: string, body: unknown) => {
    const answer = await fetch(`${url}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status, path).toBeLessThan(300);
    return (await answer.json()) as { id: string };
  };
  const project = await post('/projects', { name: 'Shop' });
  const agent = await post('/agents', {
    project_id: project.id,
    name: 'walker',
    kind: 'builtin',
    config: { builtin: 'http_journey' },
  });
  const journey = await post('/journeys', {
    project_id: project.id,
    name: 'Home and a page that says no',
    agent_id: agent.id,
    inputs: {
      base_url: `${url}/demo/shop/`,
      steps: [
        { name: 'home', path: './', expect_text: 'Welcome to the demo shop' },
        { name: 'missing', path: './nowhere', expect_status: 200, severity: 'high' },
      ],
    },
  });
  const schedule = await post('/schedules', { project_id: project.id, name: 'Nightly' });
  await post(`/schedules/${schedule.id}/items`, { journey_id: journey.id });
  const tick = await post(`/schedules/${schedule.id}/trigger`, {});

  let ran: Line | undefined;
  for (let i = 0; i < 200 && ran === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    ran = lines.find((l) => typeof l.run_id === 'string' && l.msg.startsWith('run '));
  }
  expect(lines.find((l) => l.tick_id === tick.id)).toMatchObject({
    msg: 'tick: 1 selected, 0 skipped',
    level: 'info',
    schedule_id: schedule.id,
    trigger: 'manual',
    selected: 1,
    skipped: 0,
  });
  expect(ran).toMatchObject({
    level: 'info',
    msg: 'run completed: 1 finding',
    status: 'completed',
    findings: 1,
  });

  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toMatch(/^rota_ticks_total\{trigger="manual"\} 1$/m);
  expect(metrics).toMatch(/^rota_runs_total\{status="completed"\} 1$/m);
});

it('names a URL a person can open when it listens on every address', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-log-'));
  const loaded = loadConfig({ ROTA_DATA_DIR: dir, ROTA_PORT: '0', ROTA_LOG_LEVEL: 'error' });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  expect(loaded.config.host).toBe('0.0.0.0');
  server = await serve(loaded.config, { role: 'api', logDestination: { write: () => undefined } });
  expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
});
