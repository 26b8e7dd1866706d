// `rota serve` as real processes on one SQLite file: a second scheduler refuses to start and says
// why, a worker-only process starts beside it, and SIGTERM ends each with exit status 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createMachineClient } from '../../src/main.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { reap, startRota, type Child } from './child.ts';

describe('rota serve on one SQLite file', () => {
  const children: Child[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    await reap(children.splice(0));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function rota(...args: string[]): Child {
    dir ??= mkdtempSync(join(tmpdir(), 'rota-serve-'));
    const child = startRota(['serve', ...args], {
      ROTA_DATA_DIR: dir,
      ROTA_PORT: '0',
      ROTA_HOST: '127.0.0.1',
      ROTA_OUTBOUND_ALLOW: '127.0.0.1',
      ROTA_SHUTDOWN_GRACE_SECONDS: '0',
    });
    children.push(child);
    return child;
  }
  const serving = (child: Child) => child.waitFor((e) => e.msg === 'rota is serving');

  it('refuses a second scheduler with a clear message, and stops the first on SIGTERM with status 0', async () => {
    const first = rota();
    const { url } = await serving(first);
    expect((await fetch(`${url as string}/readyz`)).status).toBe(200);

    const second = rota();
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.stderr).toMatch(
      /^error: rota could not start: Another scheduler \(.+\) is running on this SQLite database/,
    );
    expect(second.stderr).toContain('Run one scheduler per database file');

    await first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.events.map((e) => e.msg)).toContain('stopped');
  });

  it('starts a worker-only process beside the scheduler', async () => {
    const scheduler = rota('--role', 'scheduler');
    await serving(scheduler);
    const worker = rota('--role', 'worker');
    const { role } = await serving(worker);
    expect(role).toBe('worker');
    await worker.kill('SIGTERM');
    await scheduler.kill('SIGTERM');
    expect([await worker.exited, await scheduler.exited]).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('starts right after a scheduler on the same machine was killed, without waiting out its lock', async () => {
    const crashed = rota();
    await serving(crashed);
    await crashed.kill('SIGKILL');
    const next = rota();
    await serving(next);
    await next.kill('SIGTERM');
    expect(await next.exited).toEqual({ code: 0, signal: null });
  });

  it('hands a run on its last attempt back to the queue on SIGTERM', async () => {
    // The agent: a server on loopback that takes the call and never answers while the test runs.
    const pending: ServerResponse[] = [];
    const agent = createServer((_request, response) => void pending.push(response));
    await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
    try {
      dir ??= mkdtempSync(join(tmpdir(), 'rota-serve-'));
      const loaded = loadConfig({ ROTA_DATA_DIR: dir });
      if (!loaded.ok) throw new Error('config');
      const client = await createMachineClient(loaded.config, {
        tenant: undefined,
        role: 'admin',
        name: 'test',
        now: Date.now(),
      });
      // An API-only process takes the run; nothing works it yet.
      const api = rota('--role', 'api');
      const url = (await serving(api)).url as string;
      const token = (
        (await (
          await fetch(`${url}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `grant_type=client_credentials&client_id=${client.client.client_id}&client_secret=${client.clientSecret}`,
          })
        ).json()) as { access_token: string }
      ).access_token;
      const post = async (path: string, body: unknown) =>
        (await (
          await fetch(`${url}/api/v1${path}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json()) as { id: string };
      const project = await post('/projects', { name: 'P' });
      const callee = await post('/agents', {
        project_id: project.id,
        name: 'slow',
        kind: 'http',
        config: { url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}/` },
      });
      const journey = await post('/journeys', {
        project_id: project.id,
        name: 'J',
        agent_id: callee.id,
      });
      const run = await post('/runs', { target: { type: 'journey', id: journey.id } });
      expect(run.id).toMatch(/^[0-9a-f-]{36}$/);
      const database = openSqlite({ path: join(dir, 'rota.db') });
      try {
        // Its last attempt.
        await database.db.updateTable('runs').set({ max_attempts: 1 }).execute();
        const worker = rota('--role', 'worker');
        await serving(worker);
        for (let i = 0; i < 400 && pending.length === 0; i++)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(pending).toHaveLength(1);
        await worker.kill('SIGTERM');
        expect(await worker.exited).toEqual({ code: 0, signal: null });
        expect(
          await database.db
            .selectFrom('runs')
            .select(['status', 'attempt', 'max_attempts', 'lease_owner'])
            .where('id', '=', run.id)
            .executeTakeFirstOrThrow(),
        ).toEqual({ status: 'queued', attempt: 2, max_attempts: 2, lease_owner: null });
      } finally {
        await database.close();
      }
      await api.kill('SIGTERM');
    } finally {
      for (const response of pending) response.destroy();
      await new Promise<void>((resolve) => agent.close(() => resolve()));
    }
  });
});
