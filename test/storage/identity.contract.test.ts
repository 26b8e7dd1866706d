// Identity by unique index (ARCHITECTURE habit 4), the same on SQLite and PostgreSQL: a fire
// time is ticked once, a tick's item runs once, a missed fire time is recorded once.
import { afterEach, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { id, runRow, seedSchedule, T0, tickRow } from './fixtures.ts';

describeEachDatabase('storage identity', (fresh) => {
  let current: TestDatabase | undefined;
  const open = async () => (current = await fresh());
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('migrates an empty database once; a second run applies nothing', async () => {
    const { database } = await open();
    expect(await migrateToLatest(database)).toEqual({ applied: [] });
    const tables = await database.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'tenants',
        'schedules',
        'schedule_items',
        'ticks',
        'tick_items',
        'missed_fire_times',
        'runs',
        'run_steps',
        'step_logs',
        'findings',
        'locks',
      ]),
    );
  });

  it('ticks a fire time once, whichever scheduler inserts it, and ignores the second insert', async () => {
    const { db } = (await open()).database;
    const seed = await seedSchedule(db);
    const first = await db
      .insertInto('ticks')
      .values(tickRow(seed.tenant, seed.schedule, T0))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    const second = await db
      .insertInto('ticks')
      .values(tickRow(seed.tenant, seed.schedule, T0))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    const catchup = await db
      .insertInto('ticks')
      .values(tickRow(seed.tenant, seed.schedule, T0, 'catchup'))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    expect(catchup).toEqual([]);
    await expect(
      db
        .insertInto('ticks')
        .values(tickRow(seed.tenant, seed.schedule, T0))
        .execute(),
    ).rejects.toThrow();
    const rows = await db.selectFrom('ticks').select(['id', 'fire_time']).execute();
    expect(rows).toEqual([{ id: first[0]!.id, fire_time: T0 }]);
  });

  it('allows manual ticks at the same instant, and scheduled ticks at other fire times', async () => {
    const { db } = (await open()).database;
    const seed = await seedSchedule(db);
    await db
      .insertInto('ticks')
      .values([
        tickRow(seed.tenant, seed.schedule, T0),
        tickRow(seed.tenant, seed.schedule, T0, 'manual'),
        tickRow(seed.tenant, seed.schedule, T0, 'manual'),
        tickRow(seed.tenant, seed.schedule, T0 + 86_400_000),
      ])
      .execute();
    const count = await db
      .selectFrom('ticks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
  });

  it('writes one run per selected item of a tick; runs outside ticks may repeat', async () => {
    const { db } = (await open()).database;
    const seed = await seedSchedule(db);
    const tick = tickRow(seed.tenant, seed.schedule, T0);
    await db.insertInto('ticks').values(tick).execute();
    await db.insertInto('runs').values(runRow(seed, tick.id)).execute();
    const again = await db
      .insertInto('runs')
      .values(runRow(seed, tick.id))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    expect(again).toEqual([]);
    await db
      .insertInto('runs')
      .values([runRow(seed, null), runRow(seed, null)])
      .execute();
    const runs = await db.selectFrom('runs').select(['tick_id']).orderBy('tick_id').execute();
    expect(runs.filter((r) => r.tick_id === tick.id)).toHaveLength(1);
    expect(runs).toHaveLength(3);
  });

  it('records a missed fire time once', async () => {
    const { db } = (await open()).database;
    const seed = await seedSchedule(db);
    const missed = () => ({
      id: id('missed'),
      tenant_id: seed.tenant,
      schedule_id: seed.schedule,
      from_time: T0,
      to_time: T0 + 3_600_000,
      count: 2,
      reason: 'downtime' as const,
      recorded_at: T0,
    });
    await db.insertInto('missed_fire_times').values(missed()).execute();
    const again = await db
      .insertInto('missed_fire_times')
      .values(missed())
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    expect(again).toEqual([]);
  });

  it('enforces foreign keys and cascades a deleted schedule to its items and ticks', async () => {
    const { db } = (await open()).database;
    const seed = await seedSchedule(db);
    await expect(
      db
        .insertInto('ticks')
        .values(tickRow(seed.tenant, 'no-such-schedule', T0))
        .execute(),
    ).rejects.toThrow();
    await db
      .insertInto('ticks')
      .values(tickRow(seed.tenant, seed.schedule, T0))
      .execute();
    await db.deleteFrom('schedules').where('id', '=', seed.schedule).execute();
    expect(await db.selectFrom('schedule_items').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('ticks').selectAll().execute()).toEqual([]);
  });

  it('reads epoch-millisecond instants back as the same numbers', async () => {
    const { db } = (await open()).database;
    const seed = await seedSchedule(db);
    const far = Date.UTC(2699, 11, 31, 23, 59, 59, 999);
    await db
      .updateTable('schedules')
      .set({ next_fire_at: far })
      .where('id', '=', seed.schedule)
      .execute();
    const row = await db
      .selectFrom('schedules')
      .select(['next_fire_at', 'enabled', 'daily_budget'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ next_fire_at: far, enabled: 1, daily_budget: null });
  });
});
