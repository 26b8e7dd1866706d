// The README's API tour (scripts/api-tour.sh) run for real against `rota serve`: every command in
// it works as printed, from creating a client to reading the audit trail of the manual tick, in a
// shell whose `node` is the host's (20 here), with the port taken from ROTA_PORT.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';

let server: RunningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it('runs the README tour: client, token, registration, project to schedule, trigger, audit trail', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-tour-script-'));
  const settings = {
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
  };
  const loaded = loadConfig(settings);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  // The API role: the manual tick's run stays queued, so the trail shows it as the tick wrote it.
  server = await serve(loaded.config, { role: 'api', logDestination: { write: () => undefined } });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ROTA_')),
  );
  // The user's shell: the host's Node first, not the pinned one npm puts on PATH for this test.
  const PATH = [
    '/usr/bin',
    ...(env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')),
  ].join(':');
  const hostNode = execFileSync('node', ['--version'], { env: { PATH }, encoding: 'utf8' });
  expect(Number(/^v(\d+)/.exec(hostNode)?.[1])).toBeLessThan(24);
  const port = new URL(server.url).port;
  const { stdout } = await promisify(execFile)('bash', ['scripts/api-tour.sh'], {
    env: { ...env, ...settings, ROTA_PORT: port, PATH },
  });
  const lines = stdout.trimEnd().split('\n');
  expect(lines[0]).toBe('register: {"success":true,"message":"OAuth app registered successfully"}');
  expect(lines[1]).toMatch(/^schedule: Daily at \d{1,2}:\d{2} [AP]M \(Europe\/Berlin\)$/);
  const tickId = /^trigger: ([0-9a-f-]{36})$/.exec(lines[2] ?? '')?.[1];
  expect(tickId).toBeDefined();
  const trail = JSON.parse((lines[3] ?? '').replace(/^audit trail: /, ''));
  expect(trail.data).toHaveLength(1);
  expect(trail.data[0]).toMatchObject({
    kind: 'tick',
    id: tickId,
    trigger: 'manual',
    items: [{ outcome: 'selected', rank: 1 }],
    runs: [{ status: 'queued' }],
  });
});

it('shows in the README exactly the tour lines the script runs', () => {
  const script = readFileSync('scripts/api-tour.sh', 'utf8');
  const tour = /# tour:begin[^\n]*\n([\s\S]*?)# tour:end/.exec(script)?.[1];
  expect(tour).toMatch(/^url=/);
  expect(readFileSync('README.md', 'utf8')).toContain(`\`\`\`sh\n${tour}\`\`\`\n`);
});
