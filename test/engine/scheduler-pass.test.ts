// The scheduler pass with a fake clock, on SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/core/instant.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import type { Database } from '../../src/storage/database.ts';
import { claimRuns, finishRun } from '../../src/storage/run-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from './seed.ts';

const at = (text: string): number => parseInstant(text) as number;
const MINUTE = 60_000;

const ticksOf = async (database: Database) =>
  (
    await database.db
      .selectFrom('ticks')
      .select(['fire_time', 'trigger'])
      .orderBy('fire_time')
      .execute()
  ).map((t) => `${formatInstant(t.fire_time)} ${t.trigger}`);

describeEachDatabase('scheduler pass', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });
  const deps = (database: Database) => ({ database, newId: randomUUID });

  /** Runs a pass every `step` from `from` to `to`, as a clock-driven loop would. */
  async function passes(database: Database, from: number, to: number, step: number) {
    for (let now = from; now <= to; now += step) await runSchedulerPass(deps(database), now);
  }

  it('ticks an hourly cron exactly once per fire time across the fall-back hour', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *', timezone: 'America/New_York' },
      createdAt: at('2027-11-07T03:30:00Z'),
      nextFireAt: at('2027-11-07T04:00:00Z'),
    });
    await passes(database, at('2027-11-07T03:30:00Z'), at('2027-11-07T08:30:00Z'), 10 * MINUTE);
    // 00:00 EDT, 01:00 EDT, 01:00 EST, 02:00, 03:00 EST: hourly in real time, each once.
    expect(await ticksOf(database)).toEqual([
      '2027-11-07T04:00:00Z schedule',
      '2027-11-07T05:00:00Z schedule',
      '2027-11-07T06:00:00Z schedule',
      '2027-11-07T07:00:00Z schedule',
      '2027-11-07T08:00:00Z schedule',
    ]);
    expect(await database.db.selectFrom('missed_fire_times').selectAll().execute()).toEqual([]);
  });

  it('ticks a daily 02:30 once on the spring-forward day, at the shifted 03:30', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: {
        type: 'calendar',
        frequency: 'daily',
        times: ['02:30'],
        timezone: 'America/New_York',
      },
      createdAt: at('2027-03-12T12:00:00Z'),
      nextFireAt: at('2027-03-13T07:30:00Z'),
    });
    await passes(database, at('2027-03-12T12:00:00Z'), at('2027-03-15T12:00:00Z'), 15 * MINUTE);
    expect(await ticksOf(database)).toEqual([
      '2027-03-13T07:30:00Z schedule',
      '2027-03-14T07:30:00Z schedule',
      '2027-03-15T06:30:00Z schedule',
    ]);
  });

  it.each([
    [
      'latest',
      24,
      ['2027-01-10T09:00:00Z catchup'],
      [['2027-01-05T09:00:00Z', 5, 'outside_catchup_window']],
    ],
    [
      'all',
      72,
      [
        '2027-01-08T09:00:00Z catchup',
        '2027-01-09T09:00:00Z catchup',
        '2027-01-10T09:00:00Z catchup',
      ],
      [['2027-01-05T09:00:00Z', 3, 'outside_catchup_window']],
    ],
    [
      'none',
      24,
      [],
      [
        ['2027-01-05T09:00:00Z', 5, 'outside_catchup_window'],
        ['2027-01-10T09:00:00Z', 1, 'downtime'],
      ],
    ],
  ] as const)(
    'after downtime, catch-up "%s" ticks or records every missed fire time exactly once',
    async (policy, windowHours, ticks, missed) => {
      current = await fresh();
      const { database } = current;
      const { schedule } = await seedEngineSchedule(database.db, {
        cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
        createdAt: at('2027-01-01T00:00:00Z'),
        nextFireAt: at('2027-01-05T09:00:00Z'),
        catchupPolicy: policy,
        catchupWindowHours: windowHours,
      });
      const now = at('2027-01-10T12:00:00Z');
      await runSchedulerPass(deps(database), now);
      await runSchedulerPass(deps(database), now + MINUTE); // a second pass changes nothing
      expect(await ticksOf(database)).toEqual(ticks);
      const records = await database.db
        .selectFrom('missed_fire_times')
        .select(['from_time', 'count', 'reason'])
        .orderBy('from_time')
        .execute();
      expect(records.map((r) => [formatInstant(r.from_time), r.count, r.reason])).toEqual(missed);
      // Six fire times were due (Jan 5–10); each is covered once.
      expect(ticks.length + records.reduce((n, r) => n + r.count, 0)).toBe(6);
      const next = await database.db
        .selectFrom('schedules')
        .select('next_fire_at')
        .where('id', '=', schedule)
        .executeTakeFirstOrThrow();
      expect(formatInstant(next.next_fire_at!)).toBe('2027-01-11T09:00:00Z');
    },
  );

  it('skips an item whose previous run still holds a lease, and runs it again once that run ended', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-01T01:00:00Z'),
    });
    await runSchedulerPass(deps(database), at('2027-01-01T01:00:00Z'));
    const [run] = await claimRuns(database, {
      workerId: 'w',
      now: at('2027-01-01T01:00:01Z'),
      leaseMs: 3 * 3_600_000,
      limit: 1,
    });
    await runSchedulerPass(deps(database), at('2027-01-01T02:00:00Z'));
    const second = await database.db
      .selectFrom('tick_items')
      .innerJoin('ticks', 'ticks.id', 'tick_items.tick_id')
      .select(['tick_items.outcome', 'tick_items.reason'])
      .where('ticks.fire_time', '=', at('2027-01-01T02:00:00Z'))
      .execute();
    expect(second).toEqual([{ outcome: 'skipped', reason: 'overlap' }]);
    await finishRun(
      database,
      { runId: run!.id, fence: run!.fence },
      { status: 'completed', now: at('2027-01-01T02:30:00Z') },
    );
    await runSchedulerPass(deps(database), at('2027-01-01T03:00:00Z'));
    const runs = await database.db
      .selectFrom('runs')
      .select(['scheduled_for', 'status'])
      .orderBy('scheduled_for')
      .execute();
    expect(runs.map((r) => [formatInstant(r.scheduled_for!), r.status])).toEqual([
      ['2027-01-01T01:00:00Z', 'completed'],
      ['2027-01-01T03:00:00Z', 'queued'],
    ]);
  });
});
