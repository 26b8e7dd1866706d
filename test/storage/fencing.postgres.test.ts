// Fencing under real interleaving, which only separate PostgreSQL connections can produce: a
// stale worker's write that races a new claim waits for it, and is then refused.
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { appendLogs, ensureSteps } from '../../src/storage/run-step-store.ts';
import { claimRuns } from '../../src/storage/run-store.ts';
import { describePostgres, type TestDatabase } from './databases.ts';
import { runRow, seedSchedule, T0 } from './fixtures.ts';

describePostgres('fenced writes', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it("makes a stale worker's log write wait for a concurrent claim, then refuses it", async () => {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    await database.db.insertInto('runs').values(runRow(seed, null)).execute();
    const [run] = await claimRuns(database, {
      workerId: 'stale',
      now: T0,
      leaseMs: 1_000,
      limit: 1,
    });
    const holder = { runId: run!.id, fence: run!.fence };
    const stepId = `${run!.id}:0`;
    await ensureSteps(database, holder, [
      {
        id: stepId,
        run_id: run!.id,
        position: 0,
        step_key: 'j',
        name: 'journey',
        callee_kind: 'agent',
        callee_id: null,
        status: 'queued',
      },
    ]);

    const other = current.reopen();
    let pending: Promise<void> | undefined;
    try {
      await other.db.transaction().execute(async (trx) => {
        // Another worker takes the run over; its transaction holds the row until it commits.
        await trx
          .updateTable('runs')
          .set((eb) => ({ fence: eb('fence', '+', 1), lease_owner: 'fresh' }))
          .where('id', '=', run!.id)
          .execute();
        pending = appendLogs(database, holder, stepId, [
          { at: T0, level: 'info', message: 'stale' },
        ]);
        // Wait (bounded) until the stale write is blocked on that row lock.
        for (let i = 0; i < 400; i++) {
          const waiting = await sql<{
            n: string;
          }>`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(
            other.db,
          );
          if (Number(waiting.rows[0]?.n) > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
      await pending;
    } finally {
      await other.close();
    }
    expect(await database.db.selectFrom('step_logs').selectAll().execute()).toEqual([]);
  });
});
