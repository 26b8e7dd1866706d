// Writing a tick, on SQLite and PostgreSQL: all or nothing, and once per fire time however
// many writers race for it.
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import { writeTick, type TickWrite } from '../../src/storage/ticks/tick-writes.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { runRow, seedSchedule, T0, tickRow } from './fixtures.ts';

type Seed = Awaited<ReturnType<typeof seedSchedule>>;
const DAY = 86_400_000;

function plan(
  seed: Seed,
  fireTime: number,
  trigger: 'schedule' | 'manual' = 'schedule',
): TickWrite {
  const tick = tickRow(seed.tenant, seed.schedule, fireTime, trigger);
  return {
    tick,
    items: [
      {
        tick_id: tick.id,
        item_id: seed.item,
        rank: 1,
        score: 0.4,
        outcome: 'selected',
        reason: null,
        errors: null,
      },
    ],
    runs: [{ ...runRow(seed, tick.id), scheduled_for: fireTime }],
    ranItemIds: [seed.item],
  };
}

const count = async (database: Database, table: 'ticks' | 'runs' | 'tick_items') =>
  Number(
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describeEachDatabase('tick store', (fresh) => {
  let current: TestDatabase | undefined;
  const others: Database[] = [];
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await current?.dispose();
    current = undefined;
  });

  it('writes the tick, its audit entries and runs, and moves the item and the schedule on', async () => {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    const write = plan(seed, T0);
    expect(await writeTick(database, write, { from: T0, to: T0 + DAY })).toEqual({
      written: true,
      tickId: write.tick.id,
    });
    expect(await count(database, 'tick_items')).toBe(1);
    const run = await database.db
      .selectFrom('runs')
      .select(['tick_id', 'item_id', 'status'])
      .executeTakeFirstOrThrow();
    expect(run).toEqual({ tick_id: write.tick.id, item_id: seed.item, status: 'queued' });
    const item = await database.db
      .selectFrom('schedule_items')
      .select('last_run_at')
      .executeTakeFirstOrThrow();
    expect(item.last_run_at).toBe(T0);
    const schedule = await database.db
      .selectFrom('schedules')
      .select(['last_tick_at', 'next_fire_at'])
      .executeTakeFirstOrThrow();
    expect(schedule).toEqual({ last_tick_at: T0, next_fire_at: T0 + DAY });
  });

  it('writes nothing for a fire time already ticked and names the tick that was', async () => {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    const first = plan(seed, T0);
    await writeTick(database, first);
    expect(await writeTick(database, plan(seed, T0))).toEqual({
      written: false,
      tickId: first.tick.id,
    });
    expect([
      await count(database, 'ticks'),
      await count(database, 'runs'),
      await count(database, 'tick_items'),
    ]).toEqual([1, 1, 1]);
  });

  it('ticks every fire time exactly once while two writers race for each', async () => {
    current = await fresh();
    const { database } = current;
    // PostgreSQL: two independent pools, as two replicas. SQLite: one writer process per file
    // (a second scheduler refuses to start), so concurrent writes share its one connection;
    // two synchronous connections in one process would block each other's event loop.
    const other = database.dialect === 'postgres' ? current.reopen() : database;
    if (other !== database) others.push(other);
    const seed = await seedSchedule(database.db);
    const ROUNDS = 25;
    const results = [];
    for (let round = 0; round < ROUNDS; round++) {
      const at = T0 + round * DAY;
      results.push(
        ...(await Promise.all([
          writeTick(database, plan(seed, at)),
          writeTick(other, plan(seed, at)),
        ])),
      );
    }
    expect(results.filter((r) => r.written)).toHaveLength(ROUNDS);
    expect(await count(database, 'ticks')).toBe(ROUNDS);
    expect(await count(database, 'runs')).toBe(ROUNDS);
    const perTick = await database.db
      .selectFrom('runs')
      .select('tick_id')
      .groupBy('tick_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .execute();
    expect(perTick.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it('leaves nothing behind when any part of the write fails', async () => {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    const broken = plan(seed, T0);
    const badRun = { ...broken.runs[0]!, project_id: 'no-such-project' };
    await expect(writeTick(database, { ...broken, runs: [badRun] })).rejects.toThrow();
    expect([await count(database, 'ticks'), await count(database, 'tick_items')]).toEqual([0, 0]);
    const schedule = await database.db
      .selectFrom('schedules')
      .select('last_tick_at')
      .executeTakeFirstOrThrow();
    expect(schedule.last_tick_at).toBeNull();
  });

  it('does not move the regular cadence for a manual tick, and allows several at one instant', async () => {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    const manual = () => ({ ...plan(seed, T0 + 3_600_000, 'manual'), runs: [], ranItemIds: [] });
    expect((await writeTick(database, manual())).written).toBe(true);
    expect((await writeTick(database, manual())).written).toBe(true);
    const schedule = await database.db
      .selectFrom('schedules')
      .select(['next_fire_at', 'last_tick_at'])
      .executeTakeFirstOrThrow();
    expect(schedule).toEqual({ next_fire_at: T0, last_tick_at: T0 + 3_600_000 });
  });
});
