// Ending ticks, deadlines, pausing after failures and pruning, on SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import { endTicks } from '../../src/engine/tick-ender.ts';
import type { Database } from '../../src/storage/database.ts';
import { claimRuns, finishRun } from '../../src/storage/run-store.ts';
import { pruneHistory } from '../../src/storage/ticks/tick-ends.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from './seed.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';

const at = (text: string): number => parseInstant(text) as number;
const HOUR = 3_600_000;
const T1 = at('2027-01-01T01:00:00Z');

describeEachDatabase('ending ticks', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  async function hourly(database: Database, items = 2, pauseAfter: number | null = null) {
    const seed = await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: T1,
      items,
      dailyBudget: items,
    });
    if (pauseAfter !== null) {
      await database.db
        .updateTable('schedules')
        .set({ pause_after_failures: pauseAfter })
        .execute();
    }
    return seed;
  }

  /** Runs the tick at `fire`, then has a worker end all its runs with `status`. */
  async function tickAndRun(
    database: Database,
    fire: number,
    statuses: ('completed' | 'failed')[],
  ) {
    await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, fire);
    const claimed = await claimRuns(database, {
      workerId: 'w',
      now: fire + 1,
      leaseMs: HOUR,
      limit: 10,
    });
    for (const [i, run] of claimed.entries()) {
      await finishRun(
        database,
        { runId: run.id, fence: run.fence },
        { status: statuses[i] ?? 'completed', now: fire + 2 },
      );
    }
  }

  const outcomes = async (database: Database) =>
    (await database.db.selectFrom('ticks').select('outcome').orderBy('fire_time').execute()).map(
      (t) => t.outcome,
    );

  it('gives a tick its outcome once every run has ended: failed outranks completed', async () => {
    current = await fresh();
    const { database } = current;
    await hourly(database);
    await tickAndRun(database, T1, ['completed', 'completed']);
    await tickAndRun(database, T1 + HOUR, ['completed', 'failed']);
    await runSchedulerPass(
      { store: schedulerStore(database).firing, newId: randomUUID },
      T1 + 2 * HOUR,
    ); // its runs stay queued
    expect(await endTicks(schedulerStore(database).ticks, T1 + 2 * HOUR + 10)).toEqual({
      pastDeadline: 0,
      ended: 2,
    });
    expect(await outcomes(database)).toEqual(['succeeded', 'failed', null]);
    expect(await endTicks(schedulerStore(database).ticks, T1 + 2 * HOUR + 20)).toEqual({
      pastDeadline: 0,
      ended: 0,
    });
  });

  it('fails runs still queued at the tick deadline with tick_deadline, and so the tick', async () => {
    current = await fresh();
    const { database } = current;
    await hourly(database, 1);
    await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, T1);
    expect(await endTicks(schedulerStore(database).ticks, T1 + 59 * 60_000)).toEqual({
      pastDeadline: 0,
      ended: 0,
    });
    expect(await endTicks(schedulerStore(database).ticks, T1 + HOUR + 1)).toEqual({
      pastDeadline: 1,
      ended: 1,
    });
    const run = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code', 'agents_spawned'])
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'failed', error_code: 'tick_deadline', agents_spawned: 0 });
    expect(await outcomes(database)).toEqual(['failed']);
  });

  it('pauses a schedule after pause_after_failures consecutive failed ticks, not before', async () => {
    current = await fresh();
    const { database } = current;
    await hourly(database, 1, 2);
    await tickAndRun(database, T1, ['failed']);
    await tickAndRun(database, T1 + HOUR, ['completed']);
    await tickAndRun(database, T1 + 2 * HOUR, ['failed']);
    await endTicks(schedulerStore(database).ticks, T1 + 2 * HOUR + 10);
    let schedule = await database.db
      .selectFrom('schedules')
      .select(['enabled', 'consecutive_failures'])
      .executeTakeFirstOrThrow();
    expect(schedule).toEqual({ enabled: 1, consecutive_failures: 1 });
    await tickAndRun(database, T1 + 3 * HOUR, ['failed']);
    await endTicks(schedulerStore(database).ticks, T1 + 3 * HOUR + 10);
    const paused = await database.db
      .selectFrom('schedules')
      .select(['enabled', 'consecutive_failures', 'pause_note', 'next_fire_at'])
      .executeTakeFirstOrThrow();
    expect(paused).toEqual({
      enabled: 0,
      next_fire_at: null,
      consecutive_failures: 2,
      pause_note:
        'Paused automatically after 2 consecutive failed ticks (pause_after_failures: 2).',
    });
    // A paused schedule has no fire times: the next pass ticks nothing.
    expect(
      await runSchedulerPass(
        { store: schedulerStore(database).firing, newId: randomUUID },
        T1 + 4 * HOUR,
      ),
    ).toEqual({
      ticks: 0,
      missed: 0,
      latenessMs: [],
      written: [],
    });
    schedule = await database.db
      .selectFrom('schedules')
      .select(['enabled', 'consecutive_failures'])
      .executeTakeFirstOrThrow();
    expect(schedule.enabled).toBe(0);
  });

  it('prunes ended history older than the cutoff in bounded batches, keeping live runs', async () => {
    current = await fresh();
    const { database } = current;
    await hourly(database, 1);
    for (let h = 0; h < 5; h++) await tickAndRun(database, T1 + h * HOUR, ['completed']);
    await runSchedulerPass(
      { store: schedulerStore(database).firing, newId: randomUUID },
      T1 + 5 * HOUR,
    );
    await claimRuns(database, { workerId: 'w', now: T1 + 5 * HOUR + 1, leaseMs: HOUR, limit: 1 }); // running, old
    await endTicks(schedulerStore(database).ticks, T1 + 5 * HOUR + 10);
    const cutoff = T1 + 10 * HOUR; // everything is older
    expect(await pruneHistory(database, cutoff, 2)).toEqual({ runs: 2, ticks: 2, missed: 0 });
    expect(await pruneHistory(database, cutoff, 100)).toEqual({ runs: 3, ticks: 3, missed: 0 });
    expect(await pruneHistory(database, cutoff, 100)).toEqual({ runs: 0, ticks: 0, missed: 0 });
    const left = await database.db.selectFrom('runs').select('status').execute();
    expect(left).toEqual([{ status: 'running' }]);
  });
});
