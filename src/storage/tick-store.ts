// Writing a tick: the tick, the decision for every item, the runs, the items' last-run times
// and the schedule's next fire time, in one transaction. The tick's unique index makes a second
// write of the same fire time (another replica, a retry after a crash) a no-op that writes nothing.
import type { Insertable, Kysely } from 'kysely';
import { LIVE_RUN_STATUSES } from '../core/run-state.ts';
import type { Database } from './database.ts';
import type { RunTable, Schema, TickItemTable, TickTable } from './schema.ts';

export interface TickWrite {
  readonly tick: Insertable<TickTable>;
  readonly items: readonly Insertable<TickItemTable>[];
  readonly runs: readonly Insertable<RunTable>[];
  /** Items whose last-run time becomes the tick's fire time (those selected). */
  readonly ranItemIds: readonly string[];
  /** Live runs that `cancel_other` replaces: cancelled in the same transaction. */
  readonly cancelRunIds?: readonly string[];
  /** The schedule's next regular fire time; left as it is for a manual tick. */
  readonly nextFireAt?: number | null;
}

export interface TickWritten {
  /** False when the fire time was already ticked; then nothing was written. */
  readonly written: boolean;
  readonly tickId: string;
}

// Rows per statement: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const CHUNK = 500;

async function insertChunked<T extends keyof Schema>(
  trx: Kysely<Schema>,
  table: T,
  rows: readonly Insertable<Schema[T]>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    // Identity indexes guard runs too: a replayed tick never duplicates one.
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function writeTick(database: Database, write: TickWrite): Promise<TickWritten> {
  const { tick } = write;
  return database.write(async (trx) => {
    const inserted = await trx
      .insertInto('ticks')
      .values(tick)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted === undefined) {
      const existing = await trx
        .selectFrom('ticks')
        .select('id')
        .where('schedule_id', '=', tick.schedule_id)
        .where('fire_time', '=', tick.fire_time)
        .where('trigger', '<>', 'manual')
        .executeTakeFirstOrThrow();
      return { written: false, tickId: existing.id };
    }
    const cancel = write.cancelRunIds ?? [];
    if (cancel.length > 0) {
      // Bumping the fence ends the old worker's lease: its next write or heartbeat is refused.
      await trx
        .updateTable('runs')
        .set((eb) => ({
          status: 'cancelled',
          error_code: 'cancelled',
          error_message: 'Cancelled by a newer run of the same item (overlap policy cancel_other).',
          finished_at: tick.created_at,
          updated_at: tick.created_at,
          lease_owner: null,
          lease_until: null,
          fence: eb('fence', '+', 1),
        }))
        .where('id', 'in', [...cancel])
        .where('status', 'in', [...LIVE_RUN_STATUSES])
        .execute();
    }
    await insertChunked(trx, 'tick_items', write.items);
    await insertChunked(trx, 'runs', write.runs);
    for (let i = 0; i < write.ranItemIds.length; i += CHUNK) {
      await trx
        .updateTable('schedule_items')
        .set({ last_run_at: tick.fire_time, updated_at: tick.created_at })
        .where('id', 'in', write.ranItemIds.slice(i, i + CHUNK))
        .execute();
    }
    await trx
      .updateTable('schedules')
      .set({
        last_tick_at: tick.fire_time,
        ...(tick.trigger !== 'manual' && write.nextFireAt !== undefined
          ? { next_fire_at: write.nextFireAt }
          : {}),
      })
      .where('id', '=', tick.schedule_id)
      .execute();
    return { written: true, tickId: tick.id };
  });
}
