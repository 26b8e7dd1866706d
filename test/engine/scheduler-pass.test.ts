// The scheduler pass with a fake clock, on SQLite and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import { formatInstant, parseInstant } from '../../src/core/instant.ts';
import { jitterDelayMs } from '../../src/core/jitter.ts';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import { endTicks } from '../../src/engine/tick-ender.ts';
import type { Database } from '../../src/storage/database.ts';
import { claimRuns, finishRun } from '../../src/storage/run-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from './seed.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';

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
  const deps = (database: Database) => ({
    store: schedulerStore(database).firing,
    newId: randomUUID,
  });

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

  it('ticks every due schedule once across several batches, sharing the tenant budget in order', async () => {
    current = await fresh();
    const { database } = current;
    const fire = at('2027-01-04T09:00:00Z');
    const seed = (tenantId?: string) =>
      seedEngineSchedule(database.db, {
        cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
        createdAt: at('2027-01-01T00:00:00Z'),
        nextFireAt: fire,
        ...(tenantId === undefined ? {} : { tenantId }),
      });
    const { tenant } = await seed();
    for (let i = 1; i < 7; i++) await seed(tenant);
    // Seven schedules of one agent each, five agents left today: two must wait for tomorrow.
    await database.db.updateTable('tenants').set({ daily_agent_budget: 5 }).execute();
    const report = await runSchedulerPass({ ...deps(database), batchSize: 3 }, fire + 1_000);
    expect(report).toMatchObject({ ticks: 7, missed: 0 });
    expect(report.latenessMs).toEqual(Array.from({ length: 7 }, () => 1_000));
    expect(await ticksOf(database)).toEqual(
      Array.from({ length: 7 }, () => '2027-01-04T09:00:00Z schedule'),
    );
    const decisions = await database.db
      .selectFrom('tick_items')
      .select(['outcome', 'reason'])
      .execute();
    expect(decisions.filter((d) => d.outcome === 'selected')).toHaveLength(5);
    expect(decisions.filter((d) => d.reason === 'tenant_budget')).toHaveLength(2);
    const schedules = await database.db.selectFrom('schedules').select('next_fire_at').execute();
    expect(new Set(schedules.map((s) => formatInstant(s.next_fire_at!)))).toEqual(
      new Set(['2027-01-05T09:00:00Z']),
    );
    expect(await runSchedulerPass(deps(database), fire + 2_000)).toMatchObject({ ticks: 0 });
  });

  it('holds a jittered tick’s runs back by the schedule’s stable delay, and its deadline with them', async () => {
    current = await fresh();
    const { database } = current;
    const fire = at('2027-01-04T09:00:00Z');
    const { schedule } = await seedEngineSchedule(database.db, {
      cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'], jitter_seconds: 900 },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: fire,
    });
    await runSchedulerPass(deps(database), fire);
    const delay = jitterDelayMs(schedule, fire, 900, fire + 24 * 60 * MINUTE);
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(900_000);
    const run = await database.db
      .selectFrom('runs')
      .select(['dispatch_at', 'scheduled_for'])
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ dispatch_at: fire + delay, scheduled_for: fire });
    const tick = await database.db
      .selectFrom('ticks')
      .select('deadline_at')
      .executeTakeFirstOrThrow();
    expect(tick.deadline_at).toBe(fire + delay + 60 * MINUTE);
  });

  it('ticks the rest of a batch when one schedule in it cannot be read, and reports that one', async () => {
    current = await fresh();
    const { database } = current;
    const fire = at('2027-01-04T09:00:00Z');
    const seed = () =>
      seedEngineSchedule(database.db, {
        cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
        createdAt: at('2027-01-01T00:00:00Z'),
        nextFireAt: fire,
      });
    const broken = (await seed()).schedule;
    await seed();
    await seed();
    await database.db
      .updateTable('schedules')
      .set({ cadence: '{not json' })
      .where('id', '=', broken)
      .execute();
    const errors: string[] = [];
    const report = await runSchedulerPass(
      { ...deps(database), onScheduleError: (id) => errors.push(id) },
      fire,
    );
    expect(report.ticks).toBe(2);
    expect(errors).toEqual([broken]);
    const left = await database.db
      .selectFrom('schedules')
      .select(['next_fire_at', 'claimed_by'])
      .where('id', '=', broken)
      .executeTakeFirstOrThrow();
    // Still due at its fire time, and free for the next pass to try again.
    expect(left).toEqual({ next_fire_at: fire, claimed_by: null });
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

  /** Every fire time from `first` to `last` (every `step`) covered by exactly one tick or missed record. */
  async function expectCoveredOnce(database: Database, first: number, last: number, step: number) {
    const ticked = (await database.db.selectFrom('ticks').select('fire_time').execute()).map(
      (t) => t.fire_time,
    );
    const ranges = await database.db
      .selectFrom('missed_fire_times')
      .select(['from_time', 'to_time', 'count'])
      .execute();
    for (let t = first; t <= last; t += step) {
      const covering =
        ticked.filter((f) => f === t).length +
        ranges.filter((r) => r.from_time <= t && t <= r.to_time).length;
      expect(covering, formatInstant(t)).toBe(1);
    }
    expect(ticked.length + ranges.reduce((n, r) => n + r.count, 0)).toBe((last - first) / step + 1);
  }

  it('writes nothing twice when a pass is repeated after its ticks but before the schedule moved', async () => {
    current = await fresh();
    const { database } = current;
    const { schedule } = await seedEngineSchedule(database.db, {
      cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-05T09:00:00Z'),
      catchupPolicy: 'all',
      catchupWindowHours: 72,
    });
    const now = at('2027-01-10T12:00:00Z');
    await runSchedulerPass(deps(database), now);
    // As if the process died after writing the ticks and before moving the schedule on.
    await database.db
      .updateTable('schedules')
      .set({ next_fire_at: at('2027-01-05T09:00:00Z') })
      .where('id', '=', schedule)
      .execute();
    await database.db.deleteFrom('missed_fire_times').execute();
    await runSchedulerPass(deps(database), now + MINUTE);
    await expectCoveredOnce(
      database,
      at('2027-01-05T09:00:00Z'),
      at('2027-01-10T09:00:00Z'),
      24 * 60 * MINUTE,
    );
  });

  it('leaves no fire time uncovered when two passes with different clocks race', async () => {
    current = await fresh();
    const { database } = current;
    const other = database.dialect === 'postgres' ? current.reopen() : database;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '* * * * *' },
      createdAt: at('2027-01-01T09:00:00Z'),
      nextFireAt: at('2027-01-01T10:00:00Z'),
    });
    try {
      await Promise.all([
        runSchedulerPass(deps(database), at('2027-01-01T10:05:30Z')),
        runSchedulerPass(deps(other), at('2027-01-01T10:08:30Z')),
      ]);
    } finally {
      if (other !== database) await other.close();
    }
    // On PostgreSQL the later pass may find the schedule locked by the earlier one's claim and
    // skip it (SKIP LOCKED): then its next pass takes it up. Either way, nothing twice.
    await runSchedulerPass(deps(database), at('2027-01-01T10:08:30Z'));
    await expectCoveredOnce(
      database,
      at('2027-01-01T10:00:00Z'),
      at('2027-01-01T10:08:00Z'),
      MINUTE,
    );
  });

  it('gives catch-up runs their whole deadline from now', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'calendar', frequency: 'daily', times: ['09:00'] },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-08T09:00:00Z'),
      catchupPolicy: 'all',
      catchupWindowHours: 96,
      // So that each catch-up tick writes a run, rather than skipping the still-queued item.
      overlapPolicy: 'allow',
    });
    const now = at('2027-01-10T12:00:00Z');
    await runSchedulerPass(deps(database), now);
    expect(await endTicks(schedulerStore(database).ticks, now + MINUTE)).toEqual({
      pastDeadline: 0,
      ended: 0,
    });
    const statuses = await database.db.selectFrom('runs').select('status').execute();
    expect(statuses.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  });

  it('stops counting a run as live once its lease expired, with no flag left behind', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-01T01:00:00Z'),
    });
    await runSchedulerPass(deps(database), at('2027-01-01T01:00:00Z'));
    // A worker claims the run with a 30 s lease and dies.
    await claimRuns(database, {
      workerId: 'dead',
      now: at('2027-01-01T01:00:01Z'),
      leaseMs: 30_000,
      limit: 1,
    });
    await runSchedulerPass(deps(database), at('2027-01-01T02:00:00Z'));
    const entry = await database.db
      .selectFrom('tick_items')
      .innerJoin('ticks', 'ticks.id', 'tick_items.tick_id')
      .select(['tick_items.outcome'])
      .where('ticks.fire_time', '=', at('2027-01-01T02:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(entry.outcome).toBe('selected');
  });

  it('buffers behind the newest live run once the buffered one itself is running', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-01T01:00:00Z'),
      overlapPolicy: 'buffer_one',
    });
    const lease = 10 * 3_600_000;
    await runSchedulerPass(deps(database), at('2027-01-01T01:00:00Z'));
    const [a] = await claimRuns(database, {
      workerId: 'w',
      now: at('2027-01-01T01:00:01Z'),
      leaseMs: lease,
      limit: 1,
    });
    await runSchedulerPass(deps(database), at('2027-01-01T02:00:00Z')); // b waits behind a
    await finishRun(
      database,
      { runId: a!.id, fence: a!.fence },
      { status: 'completed', now: at('2027-01-01T02:10:00Z') },
    );
    const [b] = await claimRuns(database, {
      workerId: 'w',
      now: at('2027-01-01T02:10:01Z'),
      leaseMs: lease,
      limit: 1,
    });
    await runSchedulerPass(deps(database), at('2027-01-01T03:00:00Z')); // c waits behind b
    const c = await database.db
      .selectFrom('runs')
      .select(['after_run_id', 'status'])
      .where('scheduled_for', '=', at('2027-01-01T03:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(c).toEqual({ after_run_id: b!.id, status: 'queued' });
  });

  it('cancels the live run under cancel_other and starts the new one', async () => {
    current = await fresh();
    const { database } = current;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 * * * *' },
      createdAt: at('2027-01-01T00:00:00Z'),
      nextFireAt: at('2027-01-01T01:00:00Z'),
      overlapPolicy: 'cancel_other',
    });
    await runSchedulerPass(deps(database), at('2027-01-01T01:00:00Z'));
    const [old] = await claimRuns(database, {
      workerId: 'w',
      now: at('2027-01-01T01:00:01Z'),
      leaseMs: 10 * 3_600_000,
      limit: 1,
    });
    await runSchedulerPass(deps(database), at('2027-01-01T02:00:00Z'));
    const runs = await database.db
      .selectFrom('runs')
      .select(['id', 'status', 'error_code'])
      .orderBy('scheduled_for')
      .execute();
    expect(runs.map((r) => [r.id === old!.id, r.status, r.error_code])).toEqual([
      [true, 'cancelled', 'cancelled'],
      [false, 'queued', null],
    ]);
    // The old worker can no longer finish what it was running.
    expect(
      await finishRun(
        database,
        { runId: old!.id, fence: old!.fence },
        { status: 'completed', now: at('2027-01-01T02:00:01Z') },
      ),
    ).toBe(false);
  });
});
