// The scheduler loop with a hand-driven clock: it sleeps until the next due fire time, and on
// SQLite a second scheduler on the same file refuses to start.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_LIFETIME_MS } from '../../src/core/idempotency-keys.ts';
import { parseInstant } from '../../src/core/instant.ts';
import type { Clock } from '../../src/engine/clock.ts';
import { Scheduler, SchedulerLocked } from '../../src/engine/scheduler.ts';
import type { Database } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { claimRuns } from '../../src/storage/run-store.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { ensureDefaultTenant } from '../../src/storage/tenant-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from './seed.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';

const at = (text: string): number => parseInstant(text) as number;
const MINUTE = 60_000;

/** A clock that only moves when told, recording every timer armed. */
class ManualClock implements Clock {
  current: number;
  armed: { at: number; fire: () => void; cancelled: boolean }[] = [];
  constructor(start: number) {
    this.current = start;
  }
  now = (): number => this.current;
  timer = (delayMs: number, fire: () => void) => {
    const entry = { at: this.current + delayMs, fire, cancelled: false };
    this.armed.push(entry);
    return { cancel: () => (entry.cancelled = true) };
  };
  /** The delay of the latest live timer. */
  nextDelay(): number | undefined {
    const live = this.armed.filter((t) => !t.cancelled);
    const last = live[live.length - 1];
    return last === undefined ? undefined : last.at - this.current;
  }
  /** Moves to the latest live timer's instant and fires it. */
  advanceToNext(): void {
    const live = this.armed.filter((t) => !t.cancelled);
    const next = live[live.length - 1]!;
    next.cancelled = true;
    this.current = next.at;
    next.fire();
  }
}

const scheduler = (database: Database, clock: Clock, holder = 'rota-1') =>
  new Scheduler({
    store: schedulerStore(database),
    clock,
    newId: randomUUID,
    holder,
    retentionDays: 90,
    maxSleepMs: 24 * 60 * MINUTE,
    lockTtlMs: 3 * 24 * 60 * MINUTE,
  });

const ticks = async (database: Database) =>
  (await database.db.selectFrom('ticks').select('fire_time').orderBy('fire_time').execute()).map(
    (t) => t.fire_time,
  );

describeEachDatabase('scheduler loop', (fresh) => {
  let current: TestDatabase | undefined;
  let running: Scheduler[] = [];
  afterEach(async () => {
    for (const s of running) await s.stop();
    running = [];
    await current?.dispose();
    current = undefined;
  });

  it('sleeps until the next due fire time instead of polling', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '*/10 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-01T00:10:00Z'),
    });
    const clock = new ManualClock(at('2027-01-01T00:03:00Z'));
    const s = scheduler(database, clock);
    running.push(s);
    await s.start();
    expect(await ticks(database)).toEqual([]);
    expect(clock.nextDelay()).toBe(7 * MINUTE);
    clock.advanceToNext();
    await s.settled();
    expect(await ticks(database)).toEqual([at('2027-01-01T00:10:00Z')]);
    expect(clock.nextDelay()).toBe(10 * MINUTE);
  });

  it("returns a crashed worker's run to the queue once its lease ran out", async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-01T01:00:00Z'),
    });
    const clock = new ManualClock(at('2027-01-01T01:00:00Z'));
    const s = scheduler(database, clock);
    running.push(s);
    await s.start();
    await claimRuns(database, { workerId: 'dies', now: clock.now(), leaseMs: 30_000, limit: 1 });
    clock.advanceToNext(); // the next fire time, long after the lease ran out
    await s.settled();
    const run = await database.db
      .selectFrom('runs')
      .select(['status', 'attempt'])
      .where('scheduled_for', '=', at('2027-01-01T01:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'queued', attempt: 2 });
  });

  it('looks again at once when woken after schedules changed', async () => {
    current = await fresh();
    const { database } = current;
    const clock = new ManualClock(at('2027-01-01T00:03:00Z'));
    const s = scheduler(database, clock);
    running.push(s);
    await s.start();
    expect(clock.nextDelay()).toBe(24 * 60 * MINUTE); // nothing scheduled: the safety wake
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '*/10 * * * *' },
      createdAt: at('2027-01-01T00:03:00Z'),
      nextFireAt: at('2027-01-01T00:10:00Z'),
    });
    s.wake();
    clock.advanceToNext();
    await s.settled();
    expect(clock.nextDelay()).toBe(7 * MINUTE);
  });

  it('prunes idempotency keys older than a day with its history, and keeps younger ones', async () => {
    current = await fresh();
    const { database } = current;
    const now = at('2027-01-02T00:00:00Z');
    await ensureDefaultTenant(database, { id: 'tenant-1', now });
    const key = (name: string, createdAt: number) => ({
      tenant_id: 'tenant-1',
      key: name,
      fingerprint: 'f',
      status: 201,
      body: '{}',
      created_at: createdAt,
    });
    await database.db
      .insertInto('idempotency_keys')
      .values([
        key('expired', now - IDEMPOTENCY_KEY_LIFETIME_MS - 1),
        key('a day old', now - IDEMPOTENCY_KEY_LIFETIME_MS),
        key('fresh', now - MINUTE),
      ])
      .execute();
    const s = scheduler(database, new ManualClock(now));
    running.push(s);
    await s.start(); // the first round prunes
    const kept = await database.db
      .selectFrom('idempotency_keys')
      .select('key')
      .orderBy('key')
      .execute();
    expect(kept.map((row) => row.key)).toEqual(['a day old', 'fresh']);
  });
});

describe('one scheduler per SQLite file', () => {
  it('refuses a second scheduler while the first runs, and admits it once the first stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rota-lock-'));
    const first = openSqlite({ path: join(dir, 'rota.db') });
    const second = openSqlite({ path: join(dir, 'rota.db') });
    try {
      await migrateToLatest(first);
      const clock = new ManualClock(at('2027-01-01T00:00:00Z'));
      const a = scheduler(first, clock, 'rota-a');
      await a.start();
      const b = scheduler(second, clock, 'rota-b');
      const refusal = await b.start().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(SchedulerLocked);
      expect((refusal as Error).message).toMatch(
        /^Another scheduler \(rota-a\) is running on this SQLite database/,
      );
      await a.stop();
      await b.start();
      await b.stop();
    } finally {
      await first.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
