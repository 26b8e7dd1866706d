// The run store holds every status change to the run state machine (core/run-state.ts), on
// SQLite and PostgreSQL: each move the table forbids is refused and leaves the run as it was, and a
// lease holder's move applies only while its fencing token is the run's.
import { afterEach, expect, it } from 'vitest';
import {
  canTransition,
  IllegalRunTransition,
  RUN_STATUSES,
  type RunStatus,
} from '../../src/core/run-state.ts';
import type { Database } from '../../src/storage/database.ts';
import { moveRun } from '../../src/storage/run-moves.ts';
import { endRun } from '../../src/storage/run-store.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { runRow, seedSchedule, T0 } from './fixtures.ts';

const ILLEGAL = RUN_STATUSES.flatMap((from) =>
  RUN_STATUSES.filter((to) => !canTransition(from, to)).map((to) => ({ from, to })),
);
const LEGAL = RUN_STATUSES.flatMap((from) =>
  RUN_STATUSES.filter((to) => canTransition(from, to)).map((to) => ({ from, to })),
);

/** A run put straight into `status`, holding fencing token 3. */
async function runIn(database: Database, status: RunStatus): Promise<string> {
  const seed = await seedSchedule(database.db);
  const row = { ...runRow(seed, null), status, fence: 3 };
  await database.db.insertInto('runs').values(row).execute();
  return row.id;
}

const statusOf = async (database: Database, runId: string) =>
  (
    await database.db
      .selectFrom('runs')
      .select('status')
      .where('id', '=', runId)
      .executeTakeFirstOrThrow()
  ).status;

describeEachDatabase('run status transitions', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('the table forbids some moves, so there is something to refuse', () => {
    expect(ILLEGAL).toContainEqual({ from: 'completed', to: 'running' });
    expect(ILLEGAL).toContainEqual({ from: 'queued', to: 'completed' });
    expect(LEGAL).toContainEqual({ from: 'running', to: 'queued' });
  });

  it.each(ILLEGAL)(
    'refuses to move a run from $from to $to, and leaves it $from',
    async ({ from, to }) => {
      current = await fresh();
      const { database } = current;
      const runId = await runIn(database, from);
      const attempt = moveRun(database.db, { id: runId }, to, () => ({ updated_at: T0 + 1 }));
      await expect(attempt).rejects.toThrow(IllegalRunTransition);
      await expect(attempt).rejects.toMatchObject({ code: 'illegal_run_transition', from, to });
      expect(await statusOf(database, runId)).toBe(from);
    },
  );

  it.each(LEGAL)('moves a run from $from to $to', async ({ from, to }) => {
    current = await fresh();
    const { database } = current;
    const runId = await runIn(database, from);
    const moved = await moveRun(database.db, { id: runId }, to, () => ({ updated_at: T0 + 1 }));
    expect(moved).toMatchObject({ id: runId, status: to, updated_at: T0 + 1 });
    expect(await statusOf(database, runId)).toBe(to);
  });

  it('lets a lease holder end its running run only with its own token', async () => {
    current = await fresh();
    const { database } = current;
    const runId = await runIn(database, 'running');
    const end = { status: 'completed' as const, now: T0 + 1 };
    expect(await endRun(database.db, { runId, fence: 2 }, end)).toBe(false);
    expect(await statusOf(database, runId)).toBe('running');
    expect(await endRun(database.db, { runId, fence: 3 }, end)).toBe(true);
    expect(await statusOf(database, runId)).toBe('completed');
    // Ended: the same holder's second end changes nothing, and is no error.
    expect(await endRun(database.db, { runId, fence: 3 }, end)).toBe(false);
  });

  it('refuses a holder’s move that is no move from running, whatever its token', async () => {
    current = await fresh();
    const { database } = current;
    const runId = await runIn(database, 'running');
    await expect(moveRun(database.db, { id: runId, fence: 3 }, 'running')).rejects.toThrow(
      IllegalRunTransition,
    );
    expect(await statusOf(database, runId)).toBe('running');
  });

  it('moves only a run of the tenant named', async () => {
    current = await fresh();
    const { database } = current;
    const runId = await runIn(database, 'queued');
    expect(await moveRun(database.db, { id: runId, tenantId: 'another' }, 'cancelled')).toBe(
      undefined,
    );
    expect(await statusOf(database, runId)).toBe('queued');
  });
});
