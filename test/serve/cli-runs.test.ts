// The command line's run commands against a real `rota serve` running the demo: trigger the demo
// schedule and wait for its runs with progress, then list them, show one, read its logs, and see
// that an ended run cannot be cancelled.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.test-helpers.ts';
import { loadConfig } from '../../src/config.ts';
import { createMachineClient, serve, type RunningServer } from '../../src/main.ts';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

let server: RunningServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('triggers the demo schedule, waits for its runs with progress, and reads them back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rota-cli-runs-'));
  const home = mkdtempSync(join(tmpdir(), 'rota-cli-runs-home-'));
  dirs.push(dataDir, home);
  const env = {
    ROTA_DATA_DIR: dataDir,
    ROTA_PORT: String(await freePort()),
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
  };
  const demo = JSON.parse((await runCli(['demo', '--json'], env)).stdout) as {
    schedule_id: string;
  };
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const created = await createMachineClient(loaded.config, {
    tenant: undefined,
    role: 'member',
    name: 'cli',
    now: Date.now(),
  });
  server = await serve(loaded.config, { role: 'all', logDestination: { write: () => undefined } });
  const cli = (argv: string[]) => runCli(argv, { XDG_CONFIG_HOME: home });
  const login = await cli([
    'login',
    '--url',
    server.url,
    '--client-id',
    created.client.client_id,
    '--client-secret',
    created.clientSecret,
  ]);
  expect(login.code).toBe(0);

  const triggered = await cli(['schedules', 'trigger', demo.schedule_id, '--wait', '--json']);
  expect(triggered.code).toBe(0);
  const tick = JSON.parse(triggered.stdout) as {
    id: string;
    runs: { id: string; status: string; trigger: string }[];
  };
  expect(tick.runs.length).toBeGreaterThan(0);
  for (const run of tick.runs) {
    expect(['completed', 'failed']).toContain(run.status);
    expect(run.trigger).toBe('manual');
  }
  const progress = triggered.stderr.trimEnd().split('\n');
  expect(progress.at(-1)).toBe(
    `waiting: ${tick.runs.length} of ${tick.runs.length} run${tick.runs.length === 1 ? '' : 's'} ended`,
  );

  const listed = await cli(['runs', 'list', '--schedule', demo.schedule_id, '--trigger', 'manual']);
  expect(listed.code).toBe(0);
  for (const run of tick.runs) expect(listed.stdout).toContain(run.id);
  const first = tick.runs[0]!.id;
  const shown = await cli(['runs', 'show', first]);
  expect(shown.stdout).toMatch(new RegExp(`^Run ${first}: (completed|failed)`));
  expect(shown.stdout).toContain('steps (');
  const logs = await cli(['runs', 'logs', first, '--json']);
  const lines = (JSON.parse(logs.stdout) as { lines: { step: string; message: string }[] }).lines;
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.step.length > 0 && l.message.length > 0)).toBe(true);
  const cancel = await cli(['runs', 'cancel', first]);
  expect(cancel.code).toBe(1);
  expect(cancel.stderr).toMatch(/\(run_ended\)\n$/);
});
