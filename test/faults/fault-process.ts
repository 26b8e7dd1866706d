// A scheduler or a worker in a process of its own, for fault tests to kill, stop and resume.
// Configured by one JSON argument; reports what it does as JSON lines on stdout.
import { randomUUID } from 'node:crypto';
import { systemClock } from '../../src/engine/clock.ts';
import { holderName, isHolderAlive } from '../../src/engine/holder.ts';
import { Scheduler } from '../../src/engine/scheduler.ts';
import type { Database } from '../../src/storage/database.ts';
import { openPostgres } from '../../src/storage/postgres/postgres-database.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { executors } from '../../src/worker/executors/registry.ts';
import { parseAllowList } from '../../src/worker/net/address-policy.ts';
import { Worker } from '../../src/worker/worker.ts';
import type { DatabaseSpec } from '../storage/databases.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';
import { workerStore } from '../../src/storage/worker-storage.ts';

export interface FaultProcessOptions {
  readonly role: 'scheduler' | 'worker';
  readonly db: DatabaseSpec;
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  readonly lockTtlMs?: number;
  readonly claimTtlMs?: number;
  /** The scheduler stops for good at this point (the test then kills it). */
  readonly pauseAt?: 'beforeTickWrite' | 'beforeAdvance';
  readonly allow?: readonly string[];
}

const options = JSON.parse(process.argv[2] ?? '{}') as FaultProcessOptions;
const emit = (event: string, data: object = {}) =>
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
const forever = () => new Promise<void>(() => undefined);

const database: Database =
  'sqlite' in options.db
    ? openSqlite({ path: options.db.sqlite })
    : openPostgres({ url: options.db.postgres, schema: options.db.schema, maxConnections: 4 });
const holder = holderName(randomUUID());
const now = () => Date.now();
const onError = (error: unknown) => emit('error', { message: String(error) });

let stop: () => Promise<void>;
if (options.role === 'scheduler') {
  const pause = async (at: string, data: object) => {
    emit('paused', { at, ...data });
    await forever();
  };
  const scheduler = new Scheduler({
    store: schedulerStore(database),
    clock: systemClock,
    newId: randomUUID,
    holder,
    retentionDays: 90,
    lockTtlMs: options.lockTtlMs ?? 60_000,
    claimTtlMs: options.claimTtlMs ?? 60_000,
    maxSleepMs: 500,
    isHolderAlive,
    pausePoints: {
      ...(options.pauseAt === 'beforeTickWrite'
        ? {
            beforeTickWrite: (scheduleId, fireTime) =>
              pause('beforeTickWrite', { scheduleId, fireTime }),
          }
        : {}),
      ...(options.pauseAt === 'beforeAdvance'
        ? { beforeAdvance: (scheduleId) => pause('beforeAdvance', { scheduleId }) }
        : {}),
    },
    onError,
    onRound: (report) => emit('round', { ticks: report.pass.ticks, missed: report.pass.missed }),
  });
  try {
    await scheduler.start();
  } catch (error) {
    emit('refused', { message: (error as Error).message });
    await database.close();
    process.exit(3);
  }
  stop = () => scheduler.stop();
} else {
  const worker = new Worker({
    store: workerStore(database),
    workerId: holder,
    concurrency: 1,
    executors: executors({ allow: parseAllowList(options.allow ?? []), now }),
    now,
    timer: (delayMs, fire) => systemClock.timer(delayMs, fire),
    leaseMs: options.leaseMs ?? 30_000,
    heartbeatMs: options.heartbeatMs ?? 10_000,
    pollMs: 200,
    onError,
    onRunEnded: (end) => emit('run-ended', { result: end.status }),
  });
  await worker.start();
  stop = () => worker.stop(1_000);
}
emit('started', { pid: process.pid });
process.once('SIGTERM', () => {
  void stop()
    .then(() => database.close())
    .then(() => process.exit(0));
});
// systemClock's timers are unref'd: keep the process alive until it is told to stop.
setInterval(() => undefined, 60_000);
