// The first admin of `rota serve` (issue 13): with no user, an admin of the default tenant is made;
// a generated password is shown once outside the logger and kept in a 0600 file until that admin
// first signs in; on PostgreSQL without ROTA_ADMIN_PASSWORD start-up says to run `rota users create`.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { describePostgres, POSTGRES_URL } from '../storage/databases.ts';

const dirs: string[] = [];
const servers: RunningServer[] = [];
const databases: string[] = [];

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const name of databases.splice(0))
    await admin(`drop database if exists ${name} with (force)`);
}, 30_000);

function config(env: Record<string, string>): Config {
  const loaded = loadConfig({
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'info',
    ...env,
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

async function start(cfg: Config) {
  const lines: string[] = [];
  const announced: string[] = [];
  const server = await serve(cfg, {
    role: 'api',
    logDestination: { write: (line: string) => void lines.push(line) },
    announce: (text) => void announced.push(text),
  });
  servers.push(server);
  return { server, lines, announced };
}

const signIn = (url: string, email: string, password: string) =>
  fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });

const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rota-first-admin-'));
  dirs.push(dir);
  return dir;
};

describe('the first admin on SQLite', () => {
  it('generates a password, shows it once outside the log, keeps it 0600 until the first sign-in', async () => {
    const dataDir = newDataDir();
    const { server, lines, announced } = await start(config({ ROTA_DATA_DIR: dataDir }));
    const file = join(dataDir, 'initial-admin-password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const password = readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toContain('admin@localhost');
    expect(announced[0]).toContain(password);
    // The logger never sees it, though it says an admin was made.
    expect(lines.join('\n')).not.toContain(password);
    expect(lines.map((line) => JSON.parse(line).msg)).toContain('created the first admin');

    const wrong = await signIn(server.url, 'admin@localhost', 'not it at all');
    expect(wrong.status).toBe(401);
    expect(existsSync(file)).toBe(true);
    const right = await signIn(server.url, 'admin@localhost', password);
    expect(right.status).toBe(201);
    expect(await right.json()).toMatchObject({ user: { email: 'admin@localhost', role: 'admin' } });
    expect(existsSync(file)).toBe(false);
    // Neither the password nor the session id reached the log, requests included.
    const cookie = (right.headers.get('set-cookie') ?? '').split(';')[0]?.split('=')[1] ?? '';
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const logged = lines.join('\n');
    expect(logged).toContain('/api/v1/session');
    expect(logged).not.toContain(password);
    expect(logged).not.toContain(cookie);

    // A restart finds the admin: nothing is generated again.
    await servers.pop()!.stop();
    const again = await start(config({ ROTA_DATA_DIR: dataDir }));
    expect(again.announced).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('uses ROTA_ADMIN_EMAIL and ROTA_ADMIN_PASSWORD when set, writing no file', async () => {
    const dataDir = newDataDir();
    const { server, announced, lines } = await start(
      config({
        ROTA_DATA_DIR: dataDir,
        ROTA_ADMIN_EMAIL: 'Root@Example.test',
        ROTA_ADMIN_PASSWORD: 'configured password',
      }),
    );
    expect(announced).toEqual([]);
    expect(existsSync(join(dataDir, 'initial-admin-password'))).toBe(false);
    expect(lines.join('\n')).not.toContain('configured password');
    const response = await signIn(server.url, 'root@example.test', 'configured password');
    expect(response.status).toBe(201);
  });
});

describePostgres('the first admin', () => {
  it('is not generated: start-up says to run `rota users create`', async () => {
    const name = `rota_first_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin(`create database ${name}`);
    databases.push(name);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    const dataDir = newDataDir();
    const { announced, lines } = await start(
      config({
        ROTA_DATA_DIR: dataDir,
        ROTA_DATABASE_URL: url.toString(),
        ROTA_SECRET_KEY: randomBytes(32).toString('hex'),
      }),
    );
    expect(announced).toEqual([]);
    expect(existsSync(join(dataDir, 'initial-admin-password'))).toBe(false);
    const warned = lines.map((line) => JSON.parse(line)).filter((entry) => entry.level === 'warn');
    expect(warned).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining('rota users create --email admin@localhost --role admin'),
      }),
    ]);
  });
});
