// `rota serve` and its keys: a generated secret key on SQLite, the same signing key after a
// restart, and a refusal to start under a ROTA_SECRET_KEY that cannot open the stored keys.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';

const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function config(dataDir: string, env: Record<string, string> = {}): Config {
  const loaded = loadConfig({
    ROTA_DATA_DIR: dataDir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'warn',
    ...env,
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

async function start(cfg: Config, lines: string[] = []): Promise<RunningServer> {
  const server = await serve(cfg, {
    role: 'api',
    logDestination: { write: (line: string) => void lines.push(line) },
  });
  servers.push(server);
  return server;
}

async function kids(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.url}/.well-known/jwks.json`);
  const { keys } = (await response.json()) as { keys: { kid: string }[] };
  return keys.map((key) => key.kid);
}

const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rota-serve-keys-'));
  dirs.push(dir);
  return dir;
};

describe('rota serve on SQLite', () => {
  it('generates a 0600 secret key with one warning, and signs with the same key after a restart', async () => {
    const dataDir = newDataDir();
    const lines: string[] = [];
    const first = await start(config(dataDir), lines);
    const warnings = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        file: join(dataDir, 'secret.key'),
        msg: expect.stringMatching(/^ROTA_SECRET_KEY is unset: generated a key/),
      }),
    ]);
    expect(statSync(join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
    const before = await kids(first);
    expect(before).toHaveLength(1);
    await servers.pop()!.stop();

    const again: string[] = [];
    const second = await start(config(dataDir), again);
    expect(again.filter((line) => JSON.parse(line).level === 'warn')).toEqual([]);
    expect(await kids(second)).toEqual(before);
  });

  it('refuses to start under a ROTA_SECRET_KEY other than the one that sealed the signing keys', async () => {
    const dataDir = newDataDir();
    await start(config(dataDir, { ROTA_SECRET_KEY: randomBytes(32).toString('base64') }));
    await servers.pop()!.stop();
    await expect(
      start(config(dataDir, { ROTA_SECRET_KEY: randomBytes(32).toString('base64') })),
    ).rejects.toThrow(/sealed under another ROTA_SECRET_KEY/);
  });
});
