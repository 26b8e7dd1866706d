// `serve` in-process on a real SQLite file: the operational endpoints, the default tenant, and a
// due schedule ticked, run and counted in /metrics, against a real site on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { seedEngineSchedule } from '../engine/seed.ts';

let site: Server;
let siteUrl: string;
beforeAll(async () => {
  site = createServer((_request, response) => response.end('<h1>Welcome to the shop</h1>'));
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => site.close(() => resolve())));

const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function config(env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'rota-serve-'));
  dirs.push(dir);
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'warn',
    ...env,
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const logLines: string[] = [];
const logDestination = { write: (line: string) => void logLines.push(line) };

async function start(cfg: Config, role: 'all' | 'api' | 'scheduler' | 'worker' = 'all') {
  const server = await serve(cfg, { role, logDestination });
  servers.push(server);
  return server;
}

/** Polls `check` until it holds, at most `tries` times, 100 ms apart. */
async function eventually<T>(check: () => Promise<T | undefined>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the condition did not hold in time');
}

describe('rota serve', () => {
  it('answers /healthz and /readyz, and creates the schema and a default tenant on first start', async () => {
    const cfg = config();
    const server = await start(cfg);
    const health = await fetch(`${server.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${server.url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: 'ready', checks: { database: 'ok', process: 'ok' } },
    ]);
    const database = openSqlite({ path: join(cfg.dataDir, 'rota.db') });
    try {
      const tenants = await database.db
        .selectFrom('tenants')
        .select(['name', 'timezone'])
        .execute();
      expect(tenants).toEqual([{ name: 'default', timezone: 'UTC' }]);
    } finally {
      await database.close();
    }
  });

  it('serves Prometheus metrics with the documented series', async () => {
    const server = await start(config());
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const series of [
      'rota_ticks_total{trigger="schedule"} 0',
      'rota_runs_total{status="completed"} 0',
      'rota_runs_total{status="failed"} 0',
      'rota_missed_fire_times_total 0',
      'rota_fire_lateness_seconds_count 0',
    ])
      expect(text).toContain(series);
  });

  it('ticks a due schedule, runs its journey to completion, and counts both', async () => {
    const cfg = config({ ROTA_OUTBOUND_ALLOW: '127.0.0.1' });
    const seedDb = openSqlite({ path: join(cfg.dataDir, 'rota.db') });
    try {
      await migrateToLatest(seedDb);
      const now = Date.now();
      await seedEngineSchedule(seedDb.db, {
        // Yearly, so no other fire time can fall due while the test runs.
        cadence: { type: 'cron', expression: '0 0 1 1 *', timezone: 'UTC' },
        createdAt: now - 120_000,
        nextFireAt: now - 1_000,
      });
      await seedDb.db
        .updateTable('journeys')
        .set({
          inputs: JSON.stringify({
            base_url: siteUrl,
            steps: [{ path: '/', expect_text: 'Welcome' }],
          }),
        })
        .execute();
    } finally {
      await seedDb.close();
    }
    const server = await start(cfg);
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return text.includes('rota_runs_total{status="completed"} 1') ? text : undefined;
    });
    expect(metrics).toContain('rota_ticks_total{trigger="schedule"} 1');
    expect(metrics).toContain('rota_fire_lateness_seconds_count 1');
    await server.stop();
    servers.length = 0;
    const database = openSqlite({ path: join(cfg.dataDir, 'rota.db') });
    try {
      const runs = await database.db.selectFrom('runs').select(['status', 'attempt']).execute();
      expect(runs).toEqual([{ status: 'completed', attempt: 1 }]);
      const tenants = await database.db.selectFrom('tenants').select('name').execute();
      expect(tenants).toHaveLength(1); // the seeded one: no default tenant beside it
    } finally {
      await database.close();
    }
  });

  it('runs no scheduler in the worker role, so a second process can run one', async () => {
    const cfg = config();
    await start(cfg, 'worker');
    const scheduler = await start({ ...cfg }, 'scheduler');
    expect((await fetch(`${scheduler.url}/healthz`)).status).toBe(200);
  });

  it('refuses a second scheduler on the same SQLite file, naming the first', async () => {
    const cfg = config();
    await start(cfg, 'scheduler');
    await expect(serve(cfg, { role: 'all', logDestination })).rejects.toThrow(
      /Another scheduler .* is running on this SQLite database/,
    );
  });
});
