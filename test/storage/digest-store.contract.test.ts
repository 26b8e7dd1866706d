// The digest queue on SQLite and PostgreSQL: queued with the tick's end as the send policy
// says, once per tick; claimed by one mailer at a time; retried, recovered, listed and counted.
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import {
  deliveryFigures,
  digestTarget,
  listDigests,
  readDigest,
} from '../../src/storage/digests/outbox-reads.ts';
import { loadDigestSource } from '../../src/storage/digests/digest-source.ts';
import {
  claimDigests,
  finishDelivery,
  insertDigest,
  queueDigestsOfEndedTicks,
  recoverExpiredDigests,
} from '../../src/storage/digests/delivery-queue.ts';
import { endTick } from '../../src/storage/ticks/tick-ends.ts';
import { describeEachDatabase, describePostgres, type TestDatabase } from './databases.ts';
import { id, runRow, seedSchedule, T0, tickRow } from './fixtures.ts';

const MINUTE = 60_000;
const keepStreak = (n: number) => ({ consecutiveFailures: n, pauseNote: null });

type Seed = Awaited<ReturnType<typeof seedSchedule>>;

async function withDigests(database: Database, config: object | null): Promise<Seed> {
  const seed = await seedSchedule(database.db);
  await database.db
    .updateTable('schedules')
    .set({ digest_config: config === null ? null : JSON.stringify(config) })
    .where('id', '=', seed.schedule)
    .execute();
  return seed;
}

/** A tick at `fire` whose runs ended with `statuses`, each run reporting `severities`. */
async function endedTick(
  database: Database,
  seed: Seed,
  fire: number,
  statuses: ('completed' | 'failed')[],
  severities: ('critical' | 'high' | 'medium' | 'low' | 'info')[] = [],
) {
  const tick = tickRow(seed.tenant, seed.schedule, fire);
  await database.db.insertInto('ticks').values(tick).execute();
  for (const status of statuses) {
    const run = { ...runRow(seed, tick.id), item_id: id('item'), status, finished_at: fire };
    await database.db.insertInto('runs').values(run).execute();
    for (const severity of severities) {
      await database.db
        .insertInto('findings')
        .values({
          id: id('finding'),
          run_id: run.id,
          step_id: null,
          severity,
          title: `${severity} finding`,
          detail: null,
          created_at: fire,
        })
        .execute();
    }
  }
  const outcome =
    statuses.length === 0 ? 'skipped' : statuses.includes('failed') ? 'failed' : 'succeeded';
  const ended = await endTick(database, {
    tickId: tick.id,
    scheduleId: seed.schedule,
    outcome,
    now: fire + MINUTE,
    streak: keepStreak,
  });
  return { tickId: tick.id, ended };
}

const digestsOf = (database: Database) =>
  database.db.selectFrom('digests').selectAll().orderBy('created_at').execute();

describeEachDatabase('digest store', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  describe('queueing with the tick’s end', () => {
    it('queues one digest per ended tick, however often ending it is retried', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['ops@x.test'] });
      const ran = await endedTick(database, seed, T0, ['completed']);
      expect(
        await endTick(database, {
          tickId: ran.tickId,
          scheduleId: seed.schedule,
          outcome: 'succeeded',
          now: T0 + 90 * MINUTE,
          streak: keepStreak,
        }),
      ).toBe(false);
      // Ending it decided its digest: the sweep for ticks written ended leaves it alone.
      expect(await queueDigestsOfEndedTicks(database, T0 + 2 * MINUTE, 10)).toBe(0);
      const digests = await digestsOf(database);
      expect(digests.map((d) => [d.tick_id, d.kind, d.status, d.attempts])).toEqual([
        [ran.tickId, 'tick', 'queued', 0],
      ]);
      expect(JSON.parse(digests[0]!.recipients)).toEqual(['ops@x.test']);
      expect(digests[0]!.next_attempt_at).toBe(T0 + MINUTE);
    });

    it('queues the digest of a tick written already ended because it started no run, once', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['ops@x.test'] });
      const quiet = await withDigests(database, { recipients: ['ops@x.test'], send: 'on_failure' });
      const open = tickRow(seed.tenant, seed.schedule, T0 - 60 * MINUTE);
      const skipped = {
        ...tickRow(seed.tenant, seed.schedule, T0),
        outcome: 'skipped' as const,
        ended_at: T0,
      };
      const unwanted = {
        ...tickRow(quiet.tenant, quiet.schedule, T0),
        outcome: 'skipped' as const,
        ended_at: T0,
      };
      await database.db.insertInto('ticks').values([open, skipped, unwanted]).execute();
      expect(await queueDigestsOfEndedTicks(database, T0 + 1, 10)).toBe(1);
      expect(await queueDigestsOfEndedTicks(database, T0 + 2, 10)).toBe(0);
      expect((await digestsOf(database)).map((d) => [d.tick_id, d.next_attempt_at])).toEqual([
        [skipped.id, T0 + 1],
      ]);
      const decided = await database.db
        .selectFrom('ticks')
        .select(['id', 'digest_considered_at'])
        .orderBy('fire_time')
        .execute();
      expect(decided).toEqual(
        expect.arrayContaining([
          { id: open.id, digest_considered_at: null },
          { id: skipped.id, digest_considered_at: T0 + 1 },
          { id: unwanted.id, digest_considered_at: T0 + 1 },
        ]),
      );
    });

    it('refuses a second tick digest for the same tick by its unique index', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['ops@x.test'] });
      const { tickId } = await endedTick(database, seed, T0, ['completed']);
      const again = {
        id: id('digest'),
        tenantId: seed.tenant,
        scheduleId: seed.schedule,
        tickId,
        kind: 'tick' as const,
        recipients: ['ops@x.test'],
        minSeverity: null,
        notice: null,
        now: T0,
      };
      await expect(insertDigest(database, again)).rejects.toThrow();
      // A forced digest of the same tick is another digest.
      await insertDigest(database, { ...again, kind: 'forced', now: T0 + 2 * MINUTE });
      expect((await digestsOf(database)).map((d) => d.kind)).toEqual(['tick', 'forced']);
    });

    it('queues nothing when digest_config is null or disabled', async () => {
      current = await fresh();
      const { database } = current;
      const off = await withDigests(database, null);
      await endedTick(database, off, T0, ['failed']);
      const disabled = await withDigests(database, { enabled: false });
      await endedTick(database, disabled, T0, ['failed']);
      expect(await digestsOf(database)).toEqual([]);
    });

    it('ends a tick whose schedule holds a broken digest_config, and queues nothing for it', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await seedSchedule(database.db);
      await database.db
        .updateTable('schedules')
        .set({ digest_config: '{"recipients": [' })
        .where('id', '=', seed.schedule)
        .execute();
      const { ended } = await endedTick(database, seed, T0, ['failed']);
      expect(ended).toBe(true);
      expect(await digestsOf(database)).toEqual([]);
    });

    it('with on_failure, queues only ticks with a failed run', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'], send: 'on_failure' });
      await endedTick(database, seed, T0, ['completed', 'completed'], ['critical']);
      await endedTick(database, seed, T0 + 60 * MINUTE, []);
      const failed = await endedTick(database, seed, T0 + 120 * MINUTE, ['completed', 'failed']);
      expect((await digestsOf(database)).map((d) => d.tick_id)).toEqual([failed.tickId]);
    });

    it('with on_failure and min_severity, also queues a tick with a finding at or above it', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, {
        recipients: ['a@x.test'],
        send: 'on_failure',
        min_severity: 'high',
      });
      await endedTick(database, seed, T0, ['completed'], ['medium', 'low']);
      const high = await endedTick(database, seed, T0 + 60 * MINUTE, ['completed'], ['high']);
      const digests = await digestsOf(database);
      expect(digests.map((d) => [d.tick_id, d.min_severity])).toEqual([[high.tickId, 'high']]);
    });

    it('carries the pause note of a tick that paused its schedule', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      const tick = tickRow(seed.tenant, seed.schedule, T0);
      await database.db.insertInto('ticks').values(tick).execute();
      await endTick(database, {
        tickId: tick.id,
        scheduleId: seed.schedule,
        outcome: 'failed',
        now: T0,
        streak: () => ({ consecutiveFailures: 3, pauseNote: 'Paused after 3 failed ticks.' }),
      });
      expect((await digestsOf(database))[0]?.notice).toBe('Paused after 3 failed ticks.');
    });
  });

  describe('delivery', () => {
    it('gives a claimed digest to no second mailer on another connection', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      for (let h = 0; h < 3; h++) await endedTick(database, seed, T0 + h * 60 * MINUTE, []);
      const other = current.reopen();
      try {
        const now = T0 + 10 * 60 * MINUTE;
        const a = await claimDigests(database, { holder: 'a', now, leaseMs: MINUTE, limit: 2 });
        const b = await claimDigests(other, { holder: 'b', now, leaseMs: MINUTE, limit: 9 });
        expect(a.map((d) => [d.status, d.attempts, d.lease_owner])).toEqual([
          ['sending', 1, 'a'],
          ['sending', 1, 'a'],
        ]);
        expect(b.map((d) => d.lease_owner)).toEqual(['b']);
        expect(new Set([...a, ...b].map((d) => d.id)).size).toBe(3);
      } finally {
        await other.close();
      }
    });

    it('does not claim a digest before it is due, and records results only under the current fence', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      await endedTick(database, seed, T0, []);
      const due = T0 + MINUTE;
      expect(
        await claimDigests(database, { holder: 'a', now: due - 1, leaseMs: MINUTE, limit: 1 }),
      ).toEqual([]);
      const [claimed] = await claimDigests(database, {
        holder: 'a',
        now: due,
        leaseMs: MINUTE,
        limit: 1,
      });
      const holder = { id: claimed!.id, fence: claimed!.fence };
      const retry = {
        status: 'queued' as const,
        transport: 'smtp' as const,
        error: '451 try later',
        response: '451 try later',
        nextAttemptAt: due + 30_000,
        now: due,
      };
      expect(await finishDelivery(database, { ...holder, fence: holder.fence - 1 }, retry)).toBe(
        false,
      );
      expect(await finishDelivery(database, holder, retry)).toBe(true);
      expect(
        await claimDigests(database, { holder: 'a', now: due + 29_999, leaseMs: MINUTE, limit: 1 }),
      ).toEqual([]);
      const [second] = await claimDigests(database, {
        holder: 'b',
        now: due + 30_000,
        leaseMs: MINUTE,
        limit: 1,
      });
      expect(second).toMatchObject({
        attempts: 2,
        fence: holder.fence + 1,
        last_error: '451 try later',
      });
      // The first claimant's token is stale now.
      expect(
        await finishDelivery(database, holder, {
          status: 'sent',
          transport: 'smtp',
          response: '250 ok',
          now: due + 30_001,
        }),
      ).toBe(false);
      expect(
        await finishDelivery(
          database,
          { id: second!.id, fence: second!.fence },
          { status: 'sent', transport: 'smtp', response: '250 ok', now: due + 30_002 },
        ),
      ).toBe(true);
      expect(await readDigest(database, seed.tenant, second!.id)).toMatchObject({
        status: 'sent',
        sent_at: due + 30_002,
        last_response: '250 ok',
        last_error: null,
        lease_owner: null,
      });
    });

    it('requeues a digest whose mailer died while sending, and fails it with no attempt left', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      await endedTick(database, seed, T0, []);
      const now = T0 + MINUTE;
      await claimDigests(database, { holder: 'dies', now, leaseMs: MINUTE, limit: 1 });
      expect(await recoverExpiredDigests(database, now + MINUTE - 1, 2)).toEqual({
        requeued: 0,
        failed: 0,
      });
      expect(await recoverExpiredDigests(database, now + MINUTE + 1, 2)).toEqual({
        requeued: 1,
        failed: 0,
      });
      await claimDigests(database, {
        holder: 'dies',
        now: now + 2 * MINUTE,
        leaseMs: MINUTE,
        limit: 1,
      });
      expect(await recoverExpiredDigests(database, now + 4 * MINUTE, 2)).toEqual({
        requeued: 0,
        failed: 1,
      });
      expect((await digestsOf(database))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    });
  });

  describe('reading', () => {
    it('lists a tenant’s digests newest first, page by page, and never another tenant’s', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      const stranger = await withDigests(database, { recipients: ['b@x.test'] });
      for (let h = 0; h < 5; h++) await endedTick(database, seed, T0 + h * 60 * MINUTE, []);
      await endedTick(database, stranger, T0, []);
      const first = await listDigests(database, seed.tenant, { limit: 2 });
      const second = await listDigests(database, seed.tenant, {
        limit: 2,
        after: first.next!,
      });
      const third = await listDigests(database, seed.tenant, {
        limit: 2,
        after: second.next!,
      });
      expect(third.next).toBeNull();
      const pages = [...first.digests, ...second.digests, ...third.digests];
      expect(pages).toHaveLength(5);
      expect(pages.every((d) => d.tenant_id === seed.tenant)).toBe(true);
      const created = pages.map((d) => d.created_at);
      expect(created).toEqual([...created].sort((a, b) => b - a));
      expect(await readDigest(database, stranger.tenant, pages[0]!.id)).toBeUndefined();
    });

    it('finds the latest tick of a schedule for a force-send, only within the tenant', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      expect(await digestTarget(database, seed.tenant, seed.schedule)).toEqual({
        digestConfig: JSON.stringify({ recipients: ['a@x.test'] }),
        latestTickId: null,
      });
      await endedTick(database, seed, T0, []);
      const latest = await endedTick(database, seed, T0 + 60 * MINUTE, []);
      expect((await digestTarget(database, seed.tenant, seed.schedule))?.latestTickId).toBe(
        latest.tickId,
      );
      expect(await digestTarget(database, 'another-tenant', seed.schedule)).toBeUndefined();
    });

    it('counts digests by status, with the last delivery and the recent failures', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      for (let h = 0; h < 3; h++) await endedTick(database, seed, T0 + h * 60 * MINUTE, []);
      const now = T0 + 5 * 60 * MINUTE;
      const [sent, failed] = await claimDigests(database, {
        holder: 'm',
        now,
        leaseMs: MINUTE,
        limit: 2,
      });
      await finishDelivery(
        database,
        { id: sent!.id, fence: sent!.fence },
        { status: 'sent', transport: 'smtp', response: '250 ok', now },
      );
      await finishDelivery(
        database,
        { id: failed!.id, fence: failed!.fence },
        { status: 'failed', transport: 'smtp', error: '550 no', response: '550 no', now },
      );
      const figures = await deliveryFigures(database, seed.tenant, 5);
      expect(figures.counts).toEqual({ queued: 1, sending: 0, sent: 1, failed: 1 });
      expect(figures.lastSent?.id).toBe(sent!.id);
      expect(figures.recentFailures.map((d) => [d.id, d.last_error])).toEqual([
        [failed!.id, '550 no'],
      ]);
    });

    it('reads what a digest tells: tick, schedule, runs, findings, decisions and names', async () => {
      current = await fresh();
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      const { tickId } = await endedTick(database, seed, T0, ['failed'], ['high']);
      await database.db
        .insertInto('tick_items')
        .values({
          tick_id: tickId,
          item_id: seed.item,
          rank: 2,
          score: 1.5,
          outcome: 'skipped',
          reason: 'budget',
          errors: null,
        })
        .execute();
      const source = await loadDigestSource(database, tickId);
      expect(source?.tick.id).toBe(tickId);
      expect(source?.schedule).toMatchObject({
        id: seed.schedule,
        name: 'nightly',
        coverageWindowHours: 120,
      });
      expect(source?.projectName).toBe('p');
      expect(source?.tenantDailyAgentBudget).toBe(200);
      expect(source?.runs.map((r) => r.status)).toEqual(['failed']);
      expect(source?.findings.map((f) => f.severity)).toEqual(['high']);
      expect(source?.decisions.map((d) => [d.item_id, d.reason])).toEqual([[seed.item, 'budget']]);
      expect(source?.items.map((i) => i.id)).toEqual([seed.item]);
      expect(await loadDigestSource(database, 'no-such-tick')).toBeUndefined();
    });
  });
});

describePostgres('digest claims racing', (fresh) => {
  it('gives each due digest to one claimant only when two connections claim at once', async () => {
    const current = await fresh();
    const other = current.reopen();
    try {
      const { database } = current;
      const seed = await withDigests(database, { recipients: ['a@x.test'] });
      for (let h = 0; h < 6; h++) await endedTick(database, seed, T0 + h * 60 * MINUTE, []);
      const now = T0 + 10 * 60 * MINUTE;
      const [a, b] = await Promise.all([
        claimDigests(database, { holder: 'a', now, leaseMs: MINUTE, limit: 4 }),
        claimDigests(other, { holder: 'b', now, leaseMs: MINUTE, limit: 4 }),
      ]);
      const ids = [...a, ...b].map((d) => d.id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      expect(await claimDigests(database, { holder: 'c', now, leaseMs: MINUTE, limit: 9 })).toEqual(
        [],
      );
    } finally {
      await other.close();
      await current.dispose();
    }
  });
});
