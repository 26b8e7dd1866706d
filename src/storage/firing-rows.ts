// The scheduler's records in and out of their rows: a stored cadence is parsed into the core's
// type here, once, and a planned tick becomes the rows of its tick, audit entries and runs.
import type { Selectable } from 'kysely';
import type { Cadence } from '../core/cadence.ts';
import type { CatchUpPolicy } from '../core/catch-up.ts';
import type { FiringItem, FiringSchedule, PlannedTick } from '../core/firing-records.ts';
import type { OverlapPolicy } from '../core/overlap-policy.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../core/run-state.ts';
import type { ScheduleItemTable, ScheduleTable } from './schema.ts';
import type { TickWrite } from './ticks/tick-writes.ts';

export type CadenceReader = (stored: string) => Cadence;

export const readCadence: CadenceReader = (stored) => JSON.parse(stored) as Cadence;

/** The stored cadence, or undefined when it cannot be read (a digest still goes out, in UTC). */
export function readableCadence(stored: string): Cadence | undefined {
  try {
    return readCadence(stored);
  } catch {
    return undefined;
  }
}

/**
 * A reader that parses each distinct stored cadence once: the schedules of a batch that share a
 * cadence share one parsed object, which the engine compiles once.
 */
export function sharedCadences(): CadenceReader {
  const parsed = new Map<string, Cadence>();
  return (stored) => {
    let cadence = parsed.get(stored);
    if (cadence === undefined) parsed.set(stored, (cadence = readCadence(stored)));
    return cadence;
  };
}

/**
 * A due schedule's record. Its cadence is parsed when first read, so that a schedule whose stored
 * cadence is unreadable throws there, and the engine fails that schedule alone, not its batch.
 */
export function firingSchedule(
  row: Selectable<ScheduleTable>,
  read: CadenceReader = readCadence,
): FiringSchedule {
  let cadence: Cadence | undefined;
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    project_id: row.project_id,
    get cadence() {
      return (cadence ??= read(row.cadence));
    },
    coverage_window_hours: row.coverage_window_hours,
    daily_budget: row.daily_budget,
    overlap_policy: row.overlap_policy as OverlapPolicy,
    catchup_policy: row.catchup_policy as CatchUpPolicy,
    catchup_window_hours: row.catchup_window_hours,
    tick_deadline_minutes: row.tick_deadline_minutes,
    owner_kind: row.owner_kind,
    owner_id: row.owner_id,
    next_fire_at: row.next_fire_at,
  };
}

export function firingItem(row: Selectable<ScheduleItemTable>): FiringItem {
  return {
    id: row.id,
    target_kind: row.target_kind,
    target_id: row.target_id,
    priority: row.priority,
    parameters: row.parameters,
    enabled: row.enabled === 1,
    last_run_at: row.last_run_at,
    created_at: row.created_at,
  };
}

/** A planned tick's rows; every new run starts unclaimed, on its first attempt. */
export function tickWrite(planned: PlannedTick): TickWrite {
  const { project_id: projectId, ...tick } = planned.tick;
  return {
    tick,
    items: planned.entries.map((entry) => ({
      tick_id: tick.id,
      item_id: entry.itemId,
      rank: entry.rank,
      score: entry.score,
      outcome: entry.outcome,
      reason: entry.reason,
      errors: entry.errors === null ? null : JSON.stringify(entry.errors),
    })),
    runs: planned.runs.map((run) => ({
      ...run,
      tenant_id: tick.tenant_id,
      project_id: projectId,
      trigger: tick.trigger,
      triggered_by: null,
      tick_id: tick.id,
      schedule_id: tick.schedule_id,
      scheduled_for: tick.fire_time,
      queued_at: tick.created_at,
      started_at: null,
      attempt: 1,
      max_attempts: DEFAULT_MAX_ATTEMPTS,
      usage: null,
      error_step: null,
      lease_owner: null,
      lease_until: null,
      fence: 0,
      created_at: tick.created_at,
      updated_at: tick.created_at,
    })),
    ranItemIds: planned.ranItemIds,
    ...(planned.cancelRunIds === undefined ? {} : { cancelRunIds: planned.cancelRunIds }),
  };
}
