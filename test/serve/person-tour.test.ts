// The README's person's path (scripts/person-tour.sh) run for real against `rota serve` with its
// default public URL (http://localhost:<ROTA_PORT>), in a shell whose `node` is the host's: sign in with the generated first-admin password, register,
// authorise through the popup's pages with curl as the browser, create a schedule owned by the
// person.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { freePort } from '../api/cookie-jar.ts';

let server: RunningServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it('runs the person’s path: sign in, register, authorise through the popup, schedule', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-person-tour-'));
  const port = String(await freePort());
  const settings = {
    ROTA_DATA_DIR: dir,
    ROTA_PORT: port,
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
  };
  const loaded = loadConfig(settings);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  server = await serve(loaded.config, {
    role: 'api',
    logDestination: { write: () => undefined },
    announce: () => undefined,
  });
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ROTA_')),
  );
  const PATH = [
    '/usr/bin',
    ...(env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')),
  ].join(':');
  const hostNode = execFileSync('node', ['--version'], { env: { PATH }, encoding: 'utf8' });
  expect(Number(/^v(\d+)/.exec(hostNode)?.[1])).toBeLessThan(24);
  const { stdout } = await promisify(execFile)('bash', ['scripts/person-tour.sh'], {
    env: { ...env, ROTA_DATA_DIR: dir, ROTA_PORT: port, PATH },
  });
  const lines = stdout.trimEnd().split('\n');
  expect(lines.slice(0, 4)).toEqual([
    'register: {"success":true,"message":"OAuth app registered successfully"}',
    'before: none',
    'popup: Authorization successful',
    'after: active',
  ]);
  const owner = JSON.parse((lines[4] ?? '').replace(/^owner: /, ''));
  expect(owner).toMatchObject({ kind: 'user', name: expect.any(String) });
});

it('shows in the README exactly the tour lines the script runs', () => {
  const script = readFileSync('scripts/person-tour.sh', 'utf8');
  const tour = /# tour:begin[^\n]*\n([\s\S]*?)# tour:end/.exec(script)?.[1];
  expect(tour).toMatch(/^url=/);
  expect(readFileSync('README.md', 'utf8')).toContain(`\`\`\`sh\n${tour}\`\`\`\n`);
});
