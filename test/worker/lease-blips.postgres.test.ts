// A run's lease across a database that goes away: the worker reaches PostgreSQL through a proxy on
// loopback that the test cuts. A blip shorter than the lease costs the run nothing; an outage that
// outlasts the last confirmed lease aborts it, since another worker may have taken it over.
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import type { Database } from '../../src/storage/database.ts';
import { openPostgres } from '../../src/storage/postgres/postgres-database.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import type { Executor } from '../../src/worker/executor.ts';
import { executeRun, type RunEnd } from '../../src/worker/run-runner.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { describePostgres, POSTGRES_URL, type TestDatabase } from '../storage/databases.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';

/** A TCP proxy to PostgreSQL that can be cut: while cut it drops every connection it has or gets. */
class CuttableProxy {
  readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private cut = false;
  refused = 0;

  constructor(target: URL) {
    this.server = createServer((client) => {
      if (this.cut) {
        this.refused++;
        client.destroy();
        return;
      }
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  setCut(cut: boolean): void {
    this.cut = cut;
    if (cut) for (const socket of this.sockets) socket.destroy();
  }

  close(): Promise<void> {
    this.setCut(true);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const T = parseInstant('2027-01-01T01:00:00Z') as number;
const LEASE_MS = 3_000;
const HEARTBEAT_MS = 100;

/** Waits for `condition`, checking every 20 ms, for at most 20 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describePostgres('a run lease across a database outage', (fresh) => {
  let current: TestDatabase | undefined;
  let proxy: CuttableProxy | undefined;
  let viaProxy: Database | undefined;
  afterEach(async () => {
    await viaProxy?.close().catch(() => undefined);
    await proxy?.close();
    await current?.dispose();
    viaProxy = proxy = current = undefined;
  });

  /** A claimed run whose one step waits until `release` is called. */
  async function runningThroughProxy() {
    current = await fresh();
    const { database, spec } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: T - 3_600_000,
      nextFireAt: T,
    });
    await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, T);
    proxy = new CuttableProxy(new URL(POSTGRES_URL));
    const url = new URL(POSTGRES_URL);
    url.port = String(await proxy.listen());
    url.hostname = '127.0.0.1';
    viaProxy = openPostgres({
      url: url.toString(),
      schema: 'schema' in spec ? spec.schema : undefined,
      maxConnections: 2,
    });
    const [run] = await workerStore(viaProxy).claimRuns({
      workerId: 'w',
      now: Date.now(),
      leaseMs: LEASE_MS,
      limit: 1,
    });
    let release: () => void = () => undefined;
    let called = false;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const waiting: Executor = {
      async call(call) {
        called = true;
        await Promise.race([
          gate,
          new Promise<void>((resolve) => call.signal.addEventListener('abort', () => resolve())),
        ]);
        return { output: { ok: true }, findings: [], logs: [] };
      },
    };
    const ends: RunEnd[] = [];
    const result = executeRun(
      {
        store: workerStore(viaProxy),
        now: () => Date.now(),
        executors: { 'builtin:http_journey': waiting },
        leaseMs: LEASE_MS,
        heartbeatMs: HEARTBEAT_MS,
        onEnd: (end) => ends.push(end),
      },
      run!,
    );
    await until(() => called, 'the step to start');
    return { database, run: run!, result, release, proxy };
  }

  it('keeps working through failed heartbeats while the lease it confirmed lasts', async () => {
    const { database, run, result, release, proxy } = await runningThroughProxy();
    proxy.setCut(true);
    // Two heartbeats fail against the cut database, well inside the 3 s lease.
    await until(() => proxy.refused >= 2, 'two refused heartbeats');
    proxy.setCut(false);
    release();
    expect(await result).toBe('completed');
    const row = await database.db
      .selectFrom('runs')
      .select(['status', 'attempt'])
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'completed', attempt: 1 });
  });

  it('gives the run up once the database stayed away past the lease it confirmed', async () => {
    const { result, proxy } = await runningThroughProxy();
    proxy.setCut(true);
    expect(await result).toBe('lease_lost');
  });
});
