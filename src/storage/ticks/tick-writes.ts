// Writing ticks: each tick, the decision for every item, the runs and the items' last-run times,
// and the schedules' next fire times, for a whole batch of due schedules in one transaction of
// multi-row statements (the firing path's cost is round trips, not rows: research/performance.md).
// A tick's unique index makes a second write of the same fire time (another replica, a retry after
// a crash) write nothing for that tick; a schedule moves on only from the fire time it was read at.
import type { Insertable, Kysely } from 'kysely';
import { runStatusesBefore } from '../../core/run-state.ts';
import { chunks, insertChunked } from '../batch-sql.ts';
import type { Database } from '../database.ts';
import { advanceSchedules, markSchedulesTicked, type ScheduleAdvance } from '../schedule-store.ts';
import type { RunTable, Schema, TickItemTable, TickTable } from '../schema.ts';

export interface TickWrite {
  readonly tick: Insertable<TickTable>;
  readonly items: readonly Insertable<TickItemTable>[];
  readonly runs: readonly Insertable<RunTable>[];
  /** Items whose last-run time becomes the tick's fire time (those selected). */
  readonly ranItemIds: readonly string[];
  /** Live runs that `cancel_other` replaces: cancelled in the same transaction. */
  readonly cancelRunIds?: readonly string[];
}

export interface TickWritten {
  /** False when the fire time was already ticked; then nothing was written. */
  readonly written: boolean;
  readonly tickId: string;
}

export interface TickBatch {
  readonly ticks: readonly TickWrite[];
  /** Schedules that move to their next fire time, with the fire times they missed. */
  readonly advances: readonly ScheduleAdvance[];
}

export interface TickBatchWritten {
  /** Ticks written now; the others' fire times had been ticked already, and wrote nothing. */
  readonly written: ReadonlySet<string>;
  /** Schedules moved on; the others had been moved by another pass since they were read. */
  readonly advanced: ReadonlySet<string>;
}

/** Writes one tick (a manual trigger, or a scheduled one with its advance). */
export async function writeTick(
  database: Database,
  write: TickWrite,
  advance?: Omit<ScheduleAdvance, 'scheduleId' | 'missed'>,
): Promise<TickWritten> {
  const { tick } = write;
  const advances =
    advance === undefined || tick.trigger === 'manual'
      ? []
      : [{ ...advance, scheduleId: tick.schedule_id, missed: [] }];
  const { written } = await writeTickBatch(database, { ticks: [write], advances });
  if (written.has(tick.id)) return { written: true, tickId: tick.id };
  const existing = await database.db
    .selectFrom('ticks')
    .select('id')
    .where('schedule_id', '=', tick.schedule_id)
    .where('fire_time', '=', tick.fire_time)
    .where('trigger', '<>', 'manual')
    .executeTakeFirstOrThrow();
  return { written: false, tickId: existing.id };
}

/**
 * Writes a batch all or nothing. `beforeAdvance` runs inside the transaction between the ticks
 * and the advances: fault tests stop the process there to show that nothing half-written stays.
 */
export function writeTickBatch(
  database: Database,
  batch: TickBatch,
  beforeAdvance?: () => Promise<void>,
): Promise<TickBatchWritten> {
  return database.write(async (trx) => {
    const written = await insertTicks(trx, batch.ticks);
    const ticks = batch.ticks.filter((w) => written.has(w.tick.id));
    await cancelReplacedRuns(trx, ticks);
    await insertChunked(
      trx,
      'tick_items',
      ticks.flatMap((w) => w.items),
    );
    const runs = ticks.flatMap((w) => w.runs);
    await insertChunked(trx, 'runs', runs);
    if (runs.some((run) => run.status === 'queued')) await database.coordination.runsQueued(trx);
    await markItemsRan(trx, ticks);
    // Each schedule's last_tick_at rises to its latest tick written now: with its advance when
    // it moves on (one statement for both), on its own for a manual tick.
    const latest = new Map<string, number>();
    for (const { tick } of ticks) {
      const seen = latest.get(tick.schedule_id);
      if (seen === undefined || seen < tick.fire_time) latest.set(tick.schedule_id, tick.fire_time);
    }
    const advances = batch.advances.map((a) => ({ ...a, lastTickAt: latest.get(a.scheduleId) }));
    for (const a of advances) latest.delete(a.scheduleId);
    await markSchedulesTicked(trx, latest);
    await beforeAdvance?.();
    const advanced = await advanceSchedules(trx, database.statements, advances);
    // A schedule another pass moved first may still have had ticks written by this one.
    const unmoved = advances.filter(
      (a) => a.lastTickAt !== undefined && !advanced.has(a.scheduleId),
    );
    await markSchedulesTicked(trx, new Map(unmoved.map((a) => [a.scheduleId, a.lastTickAt!])));
    return { written, advanced };
  });
}

async function insertTicks(
  trx: Kysely<Schema>,
  writes: readonly TickWrite[],
): Promise<Set<string>> {
  const written = new Set<string>();
  for (const chunk of chunks(writes)) {
    const rows = await trx
      .insertInto('ticks')
      .values(chunk.map((w) => w.tick))
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    for (const row of rows) written.add(row.id);
  }
  return written;
}

/** Bumping the fence ends the old worker's lease: its next write or heartbeat is refused. */
async function cancelReplacedRuns(trx: Kysely<Schema>, ticks: readonly TickWrite[]) {
  const byInstant = groupBy(
    ticks.flatMap((w) => (w.cancelRunIds ?? []).map((id) => ({ id, at: w.tick.created_at }))),
    (c) => c.at,
  );
  for (const [at, cancels] of byInstant) {
    for (const chunk of chunks(cancels.map((c) => c.id))) {
      await trx
        .updateTable('runs')
        .set((eb) => ({
          status: 'cancelled',
          error_code: 'cancelled',
          error_message: 'Cancelled by a newer run of the same item (overlap policy cancel_other).',
          finished_at: at,
          updated_at: at,
          lease_owner: null,
          lease_until: null,
          fence: eb('fence', '+', 1),
        }))
        .where('id', 'in', chunk)
        .where('status', 'in', [...runStatusesBefore('cancelled')])
        .execute();
    }
  }
}

/** The selected items' last-run time becomes their tick's fire time. */
async function markItemsRan(trx: Kysely<Schema>, ticks: readonly TickWrite[]) {
  const byTick = groupBy(
    ticks.filter((w) => w.ranItemIds.length > 0),
    (w) => `${w.tick.fire_time}/${w.tick.created_at}`,
  );
  for (const group of byTick.values()) {
    const { fire_time, created_at } = group[0]!.tick;
    for (const chunk of chunks(group.flatMap((w) => w.ranItemIds))) {
      await trx
        .updateTable('schedule_items')
        .set({ last_run_at: fire_time, updated_at: created_at })
        .where('id', 'in', chunk)
        .execute();
    }
  }
}

function groupBy<T, K>(list: readonly T[], key: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of list) {
    const k = key(value);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [value]);
    else group.push(value);
  }
  return groups;
}
