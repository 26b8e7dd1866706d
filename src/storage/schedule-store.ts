// What the scheduler reads and writes about schedules: which are due, their claims, their
// advances with the fire times they missed, and the next fire time. What a tick's decision
// needs is read by tick-context-store.ts.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { MissedRecord, ScheduleAdvance as PlannedAdvance } from '../core/firing-records.ts';
import { insertChunked } from './batch-sql.ts';
import type { Database, DialectStatements } from './database.ts';
import type { Schema, ScheduleTable } from './schema.ts';

export type StoredSchedule = Selectable<ScheduleTable>;

export interface ScheduleClaim {
  readonly now: number;
  /** The scheduler taking the schedules, as named in `claimed_by`. */
  readonly holder: string;
  /** How long the claim keeps other schedulers away if this one dies before advancing. */
  readonly ttlMs: number;
  readonly limit: number;
}

/** Up to `limit` enabled schedules due by `now` that no live claim holds, earliest first. */
function dueQuery(db: Kysely<Schema>, now: number, limit: number) {
  return (
    db
      .selectFrom('schedules')
      .where('enabled', '=', 1)
      .where('next_fire_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      // By due time alone, so the index answers it: a tie-break on id would sort every
      // schedule due at that instant (10,000 at once) for each batch of 500.
      .orderBy('next_fire_at')
      .limit(limit)
  );
}

/**
 * Due schedules, read without claiming them: for the one scheduler of a SQLite file, which holds
 * the file's scheduler lock and reads, plans and writes each batch in one transaction.
 */
export function dueSchedules(
  database: Database,
  now: number,
  limit: number,
  skip: ReadonlySet<string> = new Set(),
): Promise<StoredSchedule[]> {
  const query = dueQuery(database.db, now, limit).selectAll();
  return (skip.size === 0 ? query : query.where('id', 'not in', [...skip])).execute();
}

/**
 * Claims up to `limit` due schedules no live claim holds, earliest first, in one short write
 * (PostgreSQL skips rows another replica is claiming at the same moment). The claim ends when the
 * schedule advances, when it is released, or when it runs out.
 */
export async function claimDueSchedules(
  database: Database,
  claim: ScheduleClaim,
): Promise<StoredSchedule[]> {
  const { now, holder, ttlMs, limit } = claim;
  const claimed = await database.write(async (trx) => {
    const due = await database.coordination
      .claimable(dueQuery(trx, now, limit).select('id'))
      .execute();
    if (due.length === 0) return [];
    return trx
      .updateTable('schedules')
      .set({ claimed_by: holder, claimed_until: now + ttlMs })
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .returningAll()
      .execute();
  });
  return claimed.sort(
    (a, b) =>
      (a.next_fire_at ?? 0) - (b.next_fire_at ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** Gives a claim back early (the schedule could not be processed: try again next pass). */
export async function releaseScheduleClaim(
  database: Database,
  scheduleId: string,
  holder: string,
): Promise<void> {
  await database.db
    .updateTable('schedules')
    .set({ claimed_by: null, claimed_until: null })
    .where('id', '=', scheduleId)
    .where('claimed_by', '=', holder)
    .execute();
}

/** Drops every claim: for the one scheduler of a SQLite file, any claim left is a dead one's. */
export async function releaseAllScheduleClaims(database: Database): Promise<void> {
  await database.db
    .updateTable('schedules')
    .set({ claimed_by: null, claimed_until: null })
    .where('claimed_by', 'is not', null)
    .execute();
}

/** The schedule again, if it is still enabled and due. */
export async function reloadDue(
  database: Database,
  scheduleId: string,
  now: number,
): Promise<StoredSchedule | undefined> {
  return database.db
    .selectFrom('schedules')
    .selectAll()
    .where('id', '=', scheduleId)
    .where('enabled', '=', 1)
    .where('next_fire_at', '<=', now)
    .executeTakeFirst();
}

/**
 * The instant the earliest enabled schedule is next due, for the engine's timer; a schedule
 * another scheduler has claimed counts from when that claim runs out.
 */
export async function nextDueAt(database: Database): Promise<number | null> {
  const row = await database.db
    .selectFrom('schedules')
    .select((eb) =>
      eb.fn
        .min(
          eb
            .case()
            .when('claimed_until', '>', eb.ref('next_fire_at'))
            .then(eb.ref('claimed_until'))
            .else(eb.ref('next_fire_at'))
            .end(),
        )
        .as('at'),
    )
    .where('enabled', '=', 1)
    .where('next_fire_at', 'is not', null)
    .executeTakeFirst();
  return row?.at ?? null;
}

export interface ScheduleAdvance extends PlannedAdvance {
  /** Its latest tick written with this advance: `last_tick_at` moves up to it, never back. */
  readonly lastTickAt?: number | null;
}

/** `last_tick_at`, raised to `at` but never lowered. */
const raisedLastTick = (at: number) =>
  sql<number>`case when last_tick_at is null or last_tick_at < cast(${at} as bigint) then cast(${at} as bigint) else last_tick_at end`;

/**
 * Moves schedules from the fire time they were read at to their next one, drops their claims,
 * and records the fire times they missed, in the caller's transaction; a schedule another pass
 * has moved already is left alone, its missed records too. Returns the schedules moved.
 */
export async function advanceSchedules(
  trx: Kysely<Schema>,
  statements: DialectStatements,
  advances: readonly ScheduleAdvance[],
): Promise<Set<string>> {
  const moved = await statements.advanceSchedules(trx, advances);
  await insertChunked(
    trx,
    'missed_fire_times',
    advances.filter((a) => moved.has(a.scheduleId)).flatMap((a) => a.missed),
  );
  return moved;
}

/** `last_tick_at` raised to each schedule's latest tick (manual ticks, which do not advance). */
export async function markSchedulesTicked(
  trx: Kysely<Schema>,
  latest: ReadonlyMap<string, number>,
): Promise<void> {
  for (const [id, at] of latest) {
    await trx
      .updateTable('schedules')
      .set({ last_tick_at: raisedLastTick(at) })
      .where('id', '=', id)
      .execute();
  }
}

/** One schedule's advance in its own transaction; false when another pass moved it first. */
export async function recordMissed(
  database: Database,
  scheduleId: string,
  missed: readonly MissedRecord[],
  advance: { readonly from: number; readonly to: number | null },
): Promise<boolean> {
  const moved = await database.write((trx) =>
    advanceSchedules(trx, database.statements, [{ scheduleId, missed, ...advance }]),
  );
  return moved.has(scheduleId);
}
