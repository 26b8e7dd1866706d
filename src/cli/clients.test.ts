import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { serve, type RunningServer } from '../main.ts';
import { runCli } from './cli.test-helpers.ts';

const run = promisify(execFile);

describe('rota clients', () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rota-clients-'));
    dirs.push(dir);
    return join(dir, 'data');
  };
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a client with no server running, whose secret then mints a token from `rota serve`', async () => {
    const dir = dataDir();
    // The parent's ROTA_* settings (a CI database, say) must not leak into the command.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('ROTA_')),
    );
    env.ROTA_DATA_DIR = dir;
    const { stdout } = await run(process.execPath, ['bin/rota.js', 'clients', 'create', '--json'], {
      env,
    });
    const created = JSON.parse(stdout);
    expect(Object.keys(created)).toEqual(['tenant_id', 'client_id', 'client_secret']);
    expect(created.client_id).toMatch(/^rc_[A-Za-z0-9_-]{22}$/);
    expect(created.client_secret).toMatch(/^rs_[A-Za-z0-9_-]{43}$/);

    const loaded = loadConfig({
      ROTA_DATA_DIR: dir,
      ROTA_PORT: '0',
      ROTA_HOST: '127.0.0.1',
      ROTA_LOG_LEVEL: 'error',
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const server = await serve(loaded.config, {
      role: 'api',
      logDestination: { write: () => undefined },
    });
    servers.push(server);
    const response = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    const token = (await response.json()) as { access_token: string; scope: string };
    expect(token.scope).toBe('read write admin');
    const claims = JSON.parse(
      Buffer.from(token.access_token.split('.')[1]!, 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      sub: created.client_id,
      tenant: created.tenant_id,
      role: 'admin',
    });
  });

  it('puts a client in the tenant --tenant names, creating the tenant once', async () => {
    const env = { ROTA_DATA_DIR: dataDir() };
    const first = await runCli(
      ['clients', 'create', '--tenant', 'acme', '--role', 'member', '--json'],
      env,
    );
    const second = await runCli(['clients', 'create', '--tenant', 'acme', '--json'], env);
    const other = await runCli(['clients', 'create', '--json'], env);
    expect([first.code, second.code, other.code]).toEqual([0, 0, 0]);
    const [a, b, c] = [first, second, other].map((r) => JSON.parse(r.stdout));
    expect(a.tenant_id).toBe(b.tenant_id);
    // With no --tenant the client joins the installation's first tenant: here, acme.
    expect(c.tenant_id).toBe(a.tenant_id);
    const listed = await runCli(['clients', 'list', '--json'], env);
    const rows = JSON.parse(listed.stdout).clients.map((x: { client_id: string; role: string }) =>
      [x.client_id, x.role].join(' '),
    );
    // Created in the same (fixed) millisecond: their order among themselves is arbitrary.
    expect(rows.sort()).toEqual(
      [`${a.client_id} member`, `${b.client_id} admin`, `${c.client_id} admin`].sort(),
    );
    expect(listed.stdout).not.toContain(a.client_secret);
  });

  it('says in words what it created, and that the secret is shown once', async () => {
    const result = await runCli(['clients', 'create', '--tenant', 'acme', '--name', 'ci'], {
      ROTA_DATA_DIR: dataDir(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Created tenant acme \(.+\)\.\nCreated admin client "ci" in tenant acme/,
    );
    expect(result.stdout).toMatch(/client_secret {2}rs_/);
    expect(result.stdout).toContain('shown only this once');
  });

  it('refuses an unknown role with exit 2 and the error as JSON', async () => {
    const result = await runCli(['clients', 'create', '--role', 'root', '--json'], {
      ROTA_DATA_DIR: dataDir(),
    });
    expect(result).toEqual({
      code: 2,
      stdout: `${JSON.stringify({
        errors: [
          {
            field: '--role',
            code: 'invalid_argument',
            message: '--role must be admin or member, not "root"',
          },
        ],
      })}\n`,
      stderr: '',
    });
  });

  it('deletes a client by its public id, once', async () => {
    const env = { ROTA_DATA_DIR: dataDir() };
    const { client_id: clientId } = JSON.parse(
      (await runCli(['clients', 'create', '--json'], env)).stdout,
    );
    expect(await runCli(['clients', 'delete', clientId], env)).toEqual({
      code: 0,
      stdout: `Deleted client ${clientId}; its tokens no longer verify.\n`,
      stderr: '',
    });
    expect(await runCli(['clients', 'delete', clientId], env)).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: no client has the id ${clientId}\n`,
    });
    expect(JSON.parse((await runCli(['clients', 'list', '--json'], env)).stdout)).toEqual({
      clients: [],
    });
  });

  it('lists no clients on a fresh database, in words', async () => {
    const result = await runCli(['clients', 'list'], { ROTA_DATA_DIR: dataDir() });
    expect(result).toEqual({
      code: 0,
      stdout: 'No clients yet: create one with `rota clients create`.\n',
      stderr: '',
    });
  });
});
