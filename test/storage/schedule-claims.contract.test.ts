// Schedule claims: a due schedule is worked on by one scheduler at a time, a dead scheduler's
// claim runs out, and the engine's timer sees a claimed schedule as due when its claim ends.
import { afterEach, expect, it } from 'vitest';
import {
  claimDueSchedules,
  nextDueAt,
  recordMissed,
  releaseAllScheduleClaims,
  releaseScheduleClaim,
} from '../../src/storage/schedule-store.ts';
import { describeEachDatabase, describePostgres, type TestDatabase } from './databases.ts';
import { seedSchedule, T0 } from './fixtures.ts';

const TTL = 60_000;
const claim = (holder: string, now = T0) => ({ now, holder, ttlMs: TTL, limit: 10 });

describeEachDatabase('schedule claims', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('gives a due schedule to one scheduler until its claim runs out', async () => {
    current = await fresh();
    const { database } = current;
    const { schedule } = await seedSchedule(database.db);
    expect((await claimDueSchedules(database, claim('a'))).map((s) => s.id)).toEqual([schedule]);
    expect(await claimDueSchedules(database, claim('b', T0 + 1_000))).toEqual([]);
    expect(await nextDueAt(database)).toBe(T0 + TTL);
    const retaken = await claimDueSchedules(database, claim('b', T0 + TTL + 1));
    expect(retaken.map((s) => [s.id, s.claimed_by])).toEqual([[schedule, 'b']]);
  });

  it('ends the claim when the schedule advances, or when its holder gives it back', async () => {
    current = await fresh();
    const { database } = current;
    const { schedule } = await seedSchedule(database.db);
    await claimDueSchedules(database, claim('a'));
    await releaseScheduleClaim(database, schedule, 'someone else');
    expect(await claimDueSchedules(database, claim('b', T0 + 1))).toEqual([]);
    await releaseScheduleClaim(database, schedule, 'a');
    expect(await claimDueSchedules(database, claim('b', T0 + 2))).toHaveLength(1);
    expect(await recordMissed(database, schedule, [], { from: T0, to: T0 + 3_600_000 })).toBe(true);
    const row = await database.db
      .selectFrom('schedules')
      .select(['claimed_by', 'claimed_until', 'next_fire_at'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ claimed_by: null, claimed_until: null, next_fire_at: T0 + 3_600_000 });
    expect(await nextDueAt(database)).toBe(T0 + 3_600_000);
  });

  it('drops every claim at once for a SQLite scheduler that starts after a crash', async () => {
    current = await fresh();
    const { database } = current;
    await seedSchedule(database.db);
    await claimDueSchedules(database, claim('dead'));
    await releaseAllScheduleClaims(database);
    expect(await claimDueSchedules(database, claim('next', T0 + 1))).toHaveLength(1);
  });
});

describePostgres('schedule claims across replicas', (fresh) => {
  it('never gives one schedule to two replicas claiming at the same moment', async () => {
    const current = await fresh();
    const replicas = Array.from({ length: 4 }, () => current.reopen());
    try {
      for (let i = 0; i < 12; i++) await seedSchedule(current.database.db);
      const claimed = await Promise.all(
        replicas.map((database, i) => claimDueSchedules(database, { ...claim(`r${i}`), limit: 5 })),
      );
      const ids = claimed.flat().map((s) => s.id);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
    } finally {
      for (const database of replicas) await database.close();
      await current.dispose();
    }
  });
});
