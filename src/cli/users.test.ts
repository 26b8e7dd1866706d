import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { serve, type RunningServer } from '../main.ts';
import { runCli } from './cli.test-helpers.ts';

describe('rota users', () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  const env = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rota-users-'));
    dirs.push(dir);
    return { ROTA_DATA_DIR: join(dir, 'data') };
  };
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates an admin with no server running, printing a generated password that then signs in', async () => {
    const settings = env();
    const created = await runCli(
      ['users', 'create', '--email', 'Ops@Example.test', '--role', 'admin', '--json'],
      settings,
    );
    expect(created.code).toBe(0);
    const user = JSON.parse(created.stdout);
    expect(user).toEqual({
      id: expect.any(String),
      tenant_id: expect.any(String),
      email: 'ops@example.test',
      role: 'admin',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    });

    const loaded = loadConfig({
      ...settings,
      ROTA_PORT: '0',
      ROTA_HOST: '127.0.0.1',
      ROTA_LOG_LEVEL: 'error',
    });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const announced: string[] = [];
    const server = await serve(loaded.config, {
      role: 'api',
      logDestination: { write: () => undefined },
      announce: (text) => void announced.push(text),
    });
    servers.push(server);
    // A user exists: no first admin is made.
    expect(announced).toEqual([]);
    const response = await fetch(`${server.url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@example.test', password: user.password }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ user: { id: user.id, role: 'admin' } });
  });

  it('reads a password from stdin, puts the user in --tenant, lists users and refuses a taken email', async () => {
    const settings = env();
    const created = await runCli(
      [
        'users',
        'create',
        '--email',
        'ada@example.test',
        '--name',
        'Ada',
        '--tenant',
        'acme',
        '--password-stdin',
      ],
      settings,
      'from standard input\n',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created member ada@example\.test \(.+\) in tenant .+\.\n$/);
    expect(created.stdout).not.toContain('from standard input');

    const listed = await runCli(['users', 'list', '--json'], settings);
    const { users } = JSON.parse(listed.stdout);
    expect(users).toEqual([
      {
        id: expect.any(String),
        tenant_id: expect.any(String),
        email: 'ada@example.test',
        name: 'Ada',
        role: 'member',
        created_at: '2026-11-23T10:17:42Z',
        last_sign_in_at: null,
      },
    ]);
    const again = await runCli(
      ['users', 'create', '--email', 'ADA@example.test', '--tenant', 'acme'],
      settings,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'error: a user of this tenant already has the email ada@example.test\n',
    );
    const short = await runCli(
      ['users', 'create', '--email', 'b@example.test', '--password-stdin'],
      settings,
      'short',
    );
    expect(short.code).toBe(2);
  });

  it('deletes a user by email or id, but never a tenant’s last admin', async () => {
    const settings = env();
    const admin = JSON.parse(
      (
        await runCli(
          ['users', 'create', '--email', 'a@example.test', '--role', 'admin', '--json'],
          settings,
        )
      ).stdout,
    );
    await runCli(['users', 'create', '--email', 'm@example.test'], settings);
    const byEmail = await runCli(['users', 'delete', 'M@example.test'], settings);
    expect(byEmail.code).toBe(0);
    const last = await runCli(['users', 'delete', admin.id], settings);
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/last admin/);
    const missing = await runCli(['users', 'delete', 'm@example.test'], settings);
    expect(missing.code).toBe(1);
    const { users } = JSON.parse((await runCli(['users', 'list', '--json'], settings)).stdout);
    expect(users.map((u: { email: string }) => u.email)).toEqual(['a@example.test']);
  });
});
