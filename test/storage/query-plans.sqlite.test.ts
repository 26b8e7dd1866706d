// The reads the scheduler and the worker make on every round must not grow with history: with
// 90 days of ticks and runs kept, a query that reads the whole `runs` or `ticks` table costs a
// round more each day. Each statement these stores send is explained by SQLite itself, and no
// plan may read either table from end to end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { claimRuns, nextDispatchAt, recoverExpiredLeases } from '../../src/storage/run-store.ts';
import { dueSchedules } from '../../src/storage/schedule-store.ts';
import { agentsSpentSince, loadTickContext } from '../../src/storage/ticks/tick-contexts.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { failRunsPastDeadline, openTicks } from '../../src/storage/ticks/tick-ends.ts';
import { queueDigestsOfEndedTicks } from '../../src/storage/digests/delivery-queue.ts';
import { seedSchedule, T0 } from './fixtures.ts';

/**
 * Partial indexes hold only the rows still in play (queued, running, held back, undecided), so a
 * scan of one does not grow with history; a scan of the table or of any other index does.
 */
const PARTIAL = ['runs_claimable', 'runs_held_back', 'runs_leased', 'ticks_digest_undecided'];
const readsWhole = (step: string): boolean => {
  const scan = /^SCAN (runs|ticks)\b(?:.* USING (?:COVERING )?INDEX (\w+))?/.exec(step);
  return scan !== null && !PARTIAL.includes(scan[2] ?? '');
};

interface Sent {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

describe('query plans of the per-round reads (SQLite)', () => {
  let dir: string;
  let database: Database;
  let sent: Sent[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rota-plans-'));
    sent = [];
    database = openSqlite({
      path: join(dir, 'rota.db'),
      onQuery: (sql, parameters) => sent.push({ sql, parameters }),
    });
    await migrateToLatest(database);
  });

  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** SQLite's plan of a statement, one line per step. */
  async function planOf({ sql, parameters }: Sent): Promise<string[]> {
    const { rows } = await database.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${sql}`, [...parameters]),
    );
    return rows.map((row) => row.detail);
  }

  it('reads no tick or run table whole when firing, ending ticks, or claiming runs', async () => {
    const seed = await seedSchedule(database.db);
    sent = [];
    const reads: [string, () => Promise<unknown>][] = [
      ['due schedules', () => dueSchedules(database, T0, 100)],
      ['tick context (live runs)', () => loadTickContext(database, seed.schedule, T0)],
      ['tenant spend', () => agentsSpentSince(database, seed.tenant, T0)],
      ['open ticks', () => openTicks(database, 100)],
      ['runs past their deadline', () => failRunsPastDeadline(database, T0)],
      ['ended ticks to digest', () => queueDigestsOfEndedTicks(database, T0, 100)],
      [
        'claim runs',
        () => claimRuns(database, { workerId: 'w', now: T0, leaseMs: 30_000, limit: 10 }),
      ],
      ['next dispatch', () => nextDispatchAt(database, T0)],
      ['expired leases', () => recoverExpiredLeases(database, T0)],
    ];
    const whole: string[] = [];
    const steps = new Map<string, string[]>();
    let explained = 0;
    for (const [name, read] of reads) {
      const from = sent.length;
      await read();
      for (const statement of sent.slice(from)) {
        if (!/\b(runs|ticks)\b/.test(statement.sql) || /^\s*(begin|commit)/i.test(statement.sql))
          continue;
        explained++;
        for (const step of await planOf(statement)) {
          steps.set(name, [...(steps.get(name) ?? []), step]);
          if (readsWhole(step)) whole.push(`${name}: ${step} in ${statement.sql}`);
        }
      }
    }
    expect(explained).toBeGreaterThanOrEqual(reads.length - 1);
    expect(whole).toEqual([]);
    // Nor every run a schedule or a tenant ever had: only the live ones, only today's.
    expect(steps.get('tick context (live runs)')).toContain(
      'SEARCH runs USING INDEX runs_live_by_schedule (schedule_id=?)',
    );
    expect(steps.get('tenant spend')).toContain(
      'SEARCH runs USING INDEX runs_by_tenant_queued (tenant_id=? AND queued_at>?)',
    );
  });
});
