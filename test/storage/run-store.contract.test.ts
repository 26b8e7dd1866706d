// The run queue on SQLite and PostgreSQL: leases, fencing, expiry. A worker that lost its lease
// can never complete the run (research/reliability.md §0.3).
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import {
  claimRuns,
  finishRun,
  heartbeat,
  nextDispatchAt,
  recoverExpiredLeases,
  releaseRun,
} from '../../src/storage/run-store.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { runRow, seedSchedule, T0 } from './fixtures.ts';

const LEASE = 30_000;

describeEachDatabase('run store', (fresh) => {
  let current: TestDatabase | undefined;
  const others: Database[] = [];
  afterEach(async () => {
    for (const other of others.splice(0)) await other.close();
    await current?.dispose();
    current = undefined;
  });

  async function queued(count: number, over: Partial<ReturnType<typeof runRow>> = {}) {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    const rows = Array.from({ length: count }, (_, i) => ({
      ...runRow(seed, null),
      queued_at: T0 + i,
      ...over,
    }));
    if (rows.length > 0) await database.db.insertInto('runs').values(rows).execute();
    return { database, seed, rows };
  }

  it('claims the oldest queued runs, leases them and bumps their fencing token', async () => {
    const { database, rows } = await queued(3);
    const claimed = await claimRuns(database, {
      workerId: 'w1',
      now: T0 + 100,
      leaseMs: LEASE,
      limit: 2,
    });
    expect(
      claimed.map((r) => [r.id, r.status, r.lease_owner, r.lease_until, r.fence, r.started_at]),
    ).toEqual([
      [rows[0]!.id, 'running', 'w1', T0 + 100 + LEASE, 1, T0 + 100],
      [rows[1]!.id, 'running', 'w1', T0 + 100 + LEASE, 1, T0 + 100],
    ]);
    expect(
      await claimRuns(database, { workerId: 'w2', now: T0 + 200, leaseMs: LEASE, limit: 5 }),
    ).toHaveLength(1);
    expect(
      await claimRuns(database, { workerId: 'w3', now: T0 + 300, leaseMs: LEASE, limit: 5 }),
    ).toEqual([]);
  });

  it('holds a run back until its dispatch time, and says when that is', async () => {
    const { database, rows } = await queued(2);
    await database.db
      .updateTable('runs')
      .set({ dispatch_at: T0 + 5_000 })
      .where('id', '=', rows[0]!.id)
      .execute();
    const claim = (now: number) =>
      claimRuns(database, { workerId: 'w', now, leaseMs: LEASE, limit: 5 });
    expect((await claim(T0 + 100)).map((r) => r.id)).toEqual([rows[1]!.id]);
    expect(await nextDispatchAt(database, T0 + 100)).toBe(T0 + 5_000);
    expect(await claim(T0 + 4_999)).toEqual([]);
    expect((await claim(T0 + 5_000)).map((r) => r.id)).toEqual([rows[0]!.id]);
    expect(await nextDispatchAt(database, T0 + 5_000)).toBeNull();
  });

  it('never hands one run to two workers claiming at the same time', async () => {
    const { database } = await queued(40);
    // PostgreSQL: a second pool, as another replica; SQLite: one writer process per file.
    const other = database.dialect === 'postgres' ? current!.reopen() : database;
    if (other !== database) others.push(other);
    const seen: string[] = [];
    for (let round = 0; round < 10; round++) {
      const [a, b] = await Promise.all([
        claimRuns(database, { workerId: 'a', now: T0 + round, leaseMs: LEASE, limit: 3 }),
        claimRuns(other, { workerId: 'b', now: T0 + round, leaseMs: LEASE, limit: 3 }),
      ]);
      seen.push(...a.map((r) => r.id), ...b.map((r) => r.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(40);
  });

  it('lets only the current lease holder extend the lease or finish the run', async () => {
    const { database } = await queued(1);
    const [run] = await claimRuns(database, { workerId: 'w1', now: T0, leaseMs: LEASE, limit: 1 });
    const holder = { runId: run!.id, fence: run!.fence };
    expect(await heartbeat(database, holder, T0 + 10_000, LEASE)).toBe(true);
    expect(
      await heartbeat(database, { ...holder, fence: holder.fence - 1 }, T0 + 10_000, LEASE),
    ).toBe(false);
    expect(
      await finishRun(database, holder, {
        status: 'completed',
        now: T0 + 20_000,
        agentsSpawned: 1,
      }),
    ).toBe(true);
    // Finished runs take no more heartbeats or endings.
    expect(await heartbeat(database, holder, T0 + 21_000, LEASE)).toBe(false);
    expect(await finishRun(database, holder, { status: 'failed', now: T0 + 22_000 })).toBe(false);
    const row = await database.db
      .selectFrom('runs')
      .select(['status', 'finished_at', 'agents_spawned', 'lease_owner'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: 'completed',
      finished_at: T0 + 20_000,
      agents_spawned: 1,
      lease_owner: null,
    });
  });

  it('re-queues a run whose lease expired, and a stale worker coming back cannot complete it', async () => {
    const { database } = await queued(1);
    const [first] = await claimRuns(database, {
      workerId: 'stale',
      now: T0,
      leaseMs: LEASE,
      limit: 1,
    });
    expect(await recoverExpiredLeases(database, T0 + LEASE - 1)).toEqual({
      requeued: 0,
      failed: 0,
    });
    expect(await recoverExpiredLeases(database, T0 + LEASE + 1)).toEqual({
      requeued: 1,
      failed: 0,
    });
    const [second] = await claimRuns(database, {
      workerId: 'fresh',
      now: T0 + LEASE + 2,
      leaseMs: LEASE,
      limit: 1,
    });
    expect([second!.id, second!.attempt, second!.fence]).toEqual([first!.id, 2, first!.fence + 1]);
    expect(
      await finishRun(
        database,
        { runId: first!.id, fence: first!.fence },
        { status: 'completed', now: T0 + LEASE + 3 },
      ),
    ).toBe(false);
    expect(
      await finishRun(
        database,
        { runId: second!.id, fence: second!.fence },
        { status: 'completed', now: T0 + LEASE + 4 },
      ),
    ).toBe(true);
    const row = await database.db
      .selectFrom('runs')
      .select(['status', 'attempt', 'finished_at'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'completed', attempt: 2, finished_at: T0 + LEASE + 4 });
  });

  it('fails a run with lease_lost when its last attempt loses the lease', async () => {
    const { database } = await queued(1, { max_attempts: 1 });
    await claimRuns(database, { workerId: 'w', now: T0, leaseMs: LEASE, limit: 1 });
    expect(await recoverExpiredLeases(database, T0 + LEASE + 1)).toEqual({
      requeued: 0,
      failed: 1,
    });
    const row = await database.db
      .selectFrom('runs')
      .select(['status', 'error_code'])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', error_code: 'lease_lost' });
  });

  it('holds a buffered run back until the run it waits behind has ended', async () => {
    const { database, rows } = await queued(1);
    const waiting = {
      ...rows[0]!,
      id: `${rows[0]!.id}-next`,
      queued_at: T0 + 5,
      after_run_id: rows[0]!.id,
    };
    await database.db.insertInto('runs').values(waiting).execute();
    const [first] = await claimRuns(database, {
      workerId: 'w',
      now: T0 + 10,
      leaseMs: LEASE,
      limit: 5,
    });
    expect(first!.id).toBe(rows[0]!.id);
    expect(
      await claimRuns(database, { workerId: 'w', now: T0 + 11, leaseMs: LEASE, limit: 5 }),
    ).toEqual([]);
    await finishRun(
      database,
      { runId: first!.id, fence: first!.fence },
      { status: 'completed', now: T0 + 12 },
    );
    const [next] = await claimRuns(database, {
      workerId: 'w',
      now: T0 + 13,
      leaseMs: LEASE,
      limit: 5,
    });
    expect(next!.id).toBe(waiting.id);
  });

  it('hands a run on its last attempt back on shutdown, adding the interrupted attempt to its allowance', async () => {
    const { database, rows } = await queued(1, { attempt: 2, max_attempts: 2 });
    const [run] = await claimRuns(database, { workerId: 'w1', now: T0, leaseMs: LEASE, limit: 1 });
    expect(await releaseRun(database, { runId: run!.id, fence: run!.fence }, T0 + 10)).toBe(true);
    const row = await database.db
      .selectFrom('runs')
      .select(['status', 'attempt', 'max_attempts', 'lease_owner', 'lease_until', 'fence'])
      .where('id', '=', rows[0]!.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      status: 'queued',
      attempt: 3,
      max_attempts: 3,
      lease_owner: null,
      lease_until: null,
      fence: run!.fence + 1,
    });
    // A holder whose lease was already lost gives nothing back.
    expect(await releaseRun(database, { runId: run!.id, fence: run!.fence }, T0 + 20)).toBe(false);
  });
});
