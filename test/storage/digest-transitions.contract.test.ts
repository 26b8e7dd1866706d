// The digest store holds every status change to the delivery state machine, on SQLite and
// PostgreSQL: each move the table forbids is refused and leaves the digest as it was.
import { afterEach, expect, it } from 'vitest';
import {
  canMoveDigest,
  DigestStatus,
  IllegalDigestTransition,
} from '../../src/core/digest-delivery.ts';
import type { Database } from '../../src/storage/database.ts';
import { moveDigest } from '../../src/storage/digests/status-moves.ts';
import { finishDelivery, insertDigest } from '../../src/storage/digests/delivery-queue.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { id, seedSchedule, T0, tickRow } from './fixtures.ts';

const STATUSES = Object.values(DigestStatus);
const ILLEGAL = STATUSES.flatMap((from) =>
  STATUSES.filter((to) => !canMoveDigest(from, to)).map((to) => ({ from, to })),
);
const LEGAL = STATUSES.flatMap((from) =>
  STATUSES.filter((to) => canMoveDigest(from, to)).map((to) => ({ from, to })),
);

/** A digest of a fresh tick, put straight into `status`. */
async function digestIn(database: Database, status: DigestStatus): Promise<string> {
  const seed = await seedSchedule(database.db);
  const tick = tickRow(seed.tenant, seed.schedule, T0);
  await database.db.insertInto('ticks').values(tick).execute();
  const digestId = id('digest');
  await insertDigest(database, {
    id: digestId,
    tenantId: seed.tenant,
    scheduleId: seed.schedule,
    tickId: tick.id,
    kind: 'forced',
    recipients: ['ops@example.com'],
    minSeverity: null,
    notice: null,
    now: T0,
  });
  await database.db.updateTable('digests').set({ status }).where('id', '=', digestId).execute();
  return digestId;
}

const statusOf = async (database: Database, digestId: string) =>
  (
    await database.db
      .selectFrom('digests')
      .select('status')
      .where('id', '=', digestId)
      .executeTakeFirstOrThrow()
  ).status;

describeEachDatabase('digest status transitions', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('the table forbids some moves, so there is something to refuse', () => {
    expect(ILLEGAL.length).toBeGreaterThan(0);
    expect(ILLEGAL).toContainEqual({ from: 'sent', to: 'queued' });
  });

  it.each(ILLEGAL)(
    'refuses to move a digest from $from to $to, and leaves it $from',
    async ({ from, to }) => {
      current = await fresh();
      const { database } = current;
      const digestId = await digestIn(database, from);
      const attempt = moveDigest(database, { id: digestId }, to, { updated_at: T0 + 1 });
      await expect(attempt).rejects.toThrow(IllegalDigestTransition);
      await expect(attempt).rejects.toMatchObject({ code: 'illegal_digest_transition', from, to });
      expect(await statusOf(database, digestId)).toBe(from);
    },
  );

  it.each(LEGAL)('moves a digest from $from to $to', async ({ from, to }) => {
    current = await fresh();
    const { database } = current;
    const digestId = await digestIn(database, from);
    expect(await moveDigest(database, { id: digestId }, to, { updated_at: T0 + 1 })).toBe(true);
    expect(await statusOf(database, digestId)).toBe(to);
  });

  it('refuses an attempt result that is no move from sending, even from the current holder', async () => {
    current = await fresh();
    const { database } = current;
    const digestId = await digestIn(database, 'sending');
    const fence = 0;
    const result = { status: 'sending', transport: 'outbox', response: 'kept', now: T0 + 1 };
    await expect(
      finishDelivery(database, { id: digestId, fence }, result as never),
    ).rejects.toThrow(IllegalDigestTransition);
    expect(await statusOf(database, digestId)).toBe('sending');
  });
});
