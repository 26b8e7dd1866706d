// Schedules and their items as the API edits them, scoped by tenant. The scheduler's own queries
// live in schedule-store.ts; this file only creates, reads, changes and deletes.
import type { Selectable } from 'kysely';
import type { Cadence } from '../core/cadence.ts';
import type { CatchUpPolicy } from '../core/catch-up.ts';
import type { OverlapPolicy } from '../core/overlap-policy.ts';
import type {
  DigestSettings,
  Revisions,
  ScheduleActivity,
  ScheduleItemRecord,
  ScheduleRecord,
  ScheduleSettings,
} from '../core/resources.ts';
import type { Database } from './database.ts';
import { projectScoped } from './project-scoped.ts';
import { parseNullableObject, parseObject, toJson, toNullableJson } from './json-column.ts';
import { matching } from './revision.ts';
import type { ScheduleItemTable, ScheduleTable } from './schema.ts';

export type ScheduleChange = Partial<ScheduleSettings> & {
  /** Given only when cadence or enabled changed: otherwise the scheduler's value stands. */
  readonly next_fire_at?: number | null;
  /** Paused → enabled: the failure streak starts over. */
  readonly resumed?: boolean;
};

export interface ItemPatch {
  readonly priority?: number | undefined;
  readonly parameters?: Record<string, unknown> | undefined;
  readonly enabled?: boolean | undefined;
}

const scheduleFromRow = (row: Selectable<ScheduleTable>): ScheduleRecord => ({
  id: row.id,
  project_id: row.project_id,
  name: row.name,
  cadence: JSON.parse(row.cadence) as Cadence,
  coverage_window_hours: row.coverage_window_hours,
  daily_budget: row.daily_budget,
  // Written only through the API's validated shapes.
  digest_config: parseNullableObject(row.digest_config) as DigestSettings | null,
  overlap_policy: row.overlap_policy as OverlapPolicy,
  catchup_policy: row.catchup_policy as CatchUpPolicy,
  catchup_window_hours: row.catchup_window_hours,
  tick_deadline_minutes: row.tick_deadline_minutes,
  pause_after_failures: row.pause_after_failures,
  enabled: row.enabled === 1,
  pause_note: row.pause_note,
  owner_kind: row.owner_kind,
  owner_id: row.owner_id,
  next_fire_at: row.next_fire_at,
  last_tick_at: row.last_tick_at,
  revision: row.revision,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const itemFromRow = (row: Selectable<ScheduleItemTable>): ScheduleItemRecord => ({
  id: row.id,
  schedule_id: row.schedule_id,
  target_kind: row.target_kind,
  target_id: row.target_id,
  priority: row.priority,
  parameters: parseObject(row.parameters),
  enabled: row.enabled === 1,
  last_run_at: row.last_run_at,
  revision: row.revision,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const settingsToRow = (s: Partial<ScheduleSettings>) => ({
  ...(s.name === undefined ? {} : { name: s.name }),
  ...(s.cadence === undefined ? {} : { cadence: toJson(s.cadence) }),
  ...(s.coverage_window_hours === undefined
    ? {}
    : { coverage_window_hours: s.coverage_window_hours }),
  ...(s.daily_budget === undefined ? {} : { daily_budget: s.daily_budget }),
  ...(s.digest_config === undefined ? {} : { digest_config: toNullableJson(s.digest_config) }),
  ...(s.overlap_policy === undefined ? {} : { overlap_policy: s.overlap_policy }),
  ...(s.catchup_policy === undefined ? {} : { catchup_policy: s.catchup_policy }),
  ...(s.catchup_window_hours === undefined ? {} : { catchup_window_hours: s.catchup_window_hours }),
  ...(s.tick_deadline_minutes === undefined
    ? {}
    : { tick_deadline_minutes: s.tick_deadline_minutes }),
  ...(s.pause_after_failures === undefined ? {} : { pause_after_failures: s.pause_after_failures }),
  ...(s.enabled === undefined ? {} : { enabled: s.enabled ? (1 as const) : (0 as const) }),
  ...(s.pause_note === undefined ? {} : { pause_note: s.pause_note }),
});

export function scheduleAdminStore(database: Database) {
  const { db } = database;
  const { list, get } = projectScoped(db, 'schedules', (rows) => rows.map(scheduleFromRow));
  return {
    list,
    get,

    async create(tenantId: string, schedule: ScheduleRecord): Promise<void> {
      await db
        .insertInto('schedules')
        .values({
          ...settingsToRow(schedule),
          id: schedule.id,
          tenant_id: tenantId,
          project_id: schedule.project_id,
          name: schedule.name,
          cadence: toJson(schedule.cadence),
          coverage_window_hours: schedule.coverage_window_hours,
          overlap_policy: schedule.overlap_policy,
          catchup_policy: schedule.catchup_policy,
          catchup_window_hours: schedule.catchup_window_hours,
          tick_deadline_minutes: schedule.tick_deadline_minutes,
          enabled: schedule.enabled ? 1 : 0,
          consecutive_failures: 0,
          owner_kind: schedule.owner_kind,
          owner_id: schedule.owner_id,
          next_fire_at: schedule.next_fire_at,
          last_tick_at: null,
          revision: schedule.revision,
          created_at: schedule.created_at,
          updated_at: schedule.updated_at,
        })
        .execute();
    },

    /** Undefined when there is no such schedule or its revision is not one of `expected`. */
    async update(
      tenantId: string,
      id: string,
      change: ScheduleChange,
      now: number,
      expected?: Revisions,
    ): Promise<ScheduleRecord | undefined> {
      const row = await db
        .updateTable('schedules')
        .set((eb) => ({
          ...settingsToRow(change),
          // Written only when re-armed, so a tick that advanced the schedule meanwhile is kept.
          ...(change.next_fire_at === undefined ? {} : { next_fire_at: change.next_fire_at }),
          ...(change.resumed === true ? { consecutive_failures: 0 } : {}),
          revision: eb('revision', '+', 1),
          updated_at: now,
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : scheduleFromRow(row);
    },

    /** False when there is no such schedule or its revision is not one of `expected`. */
    async remove(tenantId: string, id: string, expected?: Revisions): Promise<boolean> {
      const deleted = await db
        .deleteFrom('schedules')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
        .executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    },

    /** Run count (ticks that started a run) and the latest tick. */
    async activity(tenantId: string, scheduleId: string): Promise<ScheduleActivity> {
      // Ticks that started at least one run: a tick that started none is written 'skipped', so
      // the schedule's ticks answer it (by index) without reading every run it ever had.
      const counted = await db
        .selectFrom('ticks')
        .select((eb) => eb.fn.countAll<number>().as('ticks'))
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '<>', 'skipped')]))
        .executeTakeFirst();
      const last = await db
        .selectFrom('ticks')
        .select(['fire_time', 'outcome'])
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .orderBy('created_at', 'desc')
        .orderBy('fire_time', 'desc')
        .limit(1)
        .executeTakeFirst();
      return {
        run_count: Number(counted?.ticks ?? 0),
        last_tick: last === undefined ? null : { at: last.fire_time, outcome: last.outcome },
      };
    },

    async item(
      tenantId: string,
      scheduleId: string,
      itemId: string,
    ): Promise<ScheduleItemRecord | undefined> {
      const row = await db
        .selectFrom('schedule_items')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .where('id', '=', itemId)
        .executeTakeFirst();
      return row === undefined ? undefined : itemFromRow(row);
    },

    async items(tenantId: string, scheduleId: string): Promise<ScheduleItemRecord[]> {
      const rows = await db
        .selectFrom('schedule_items')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(itemFromRow);
    },

    /** Adds an item unless the schedule already has one for the same target. */
    async addItem(tenantId: string, item: ScheduleItemRecord): Promise<'added' | 'duplicate'> {
      const inserted = await db
        .insertInto('schedule_items')
        .values({
          ...item,
          tenant_id: tenantId,
          parameters: toJson(item.parameters),
          enabled: item.enabled ? 1 : 0,
        })
        .onConflict((oc) => oc.columns(['schedule_id', 'target_kind', 'target_id']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0 ? 'added' : 'duplicate';
    },

    async updateItem(
      tenantId: string,
      scheduleId: string,
      itemId: string,
      patch: ItemPatch,
      now: number,
      expected?: Revisions,
    ): Promise<ScheduleItemRecord | undefined> {
      const row = await db
        .updateTable('schedule_items')
        .set((eb) => ({
          ...(patch.priority === undefined ? {} : { priority: patch.priority }),
          ...(patch.parameters === undefined ? {} : { parameters: toJson(patch.parameters) }),
          ...(patch.enabled === undefined ? {} : { enabled: patch.enabled ? 1 : 0 }),
          revision: eb('revision', '+', 1),
          updated_at: now,
        }))
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .where('id', '=', itemId)
        .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : itemFromRow(row);
    },

    async removeItem(
      tenantId: string,
      scheduleId: string,
      itemId: string,
      expected?: Revisions,
    ): Promise<boolean> {
      const deleted = await db
        .deleteFrom('schedule_items')
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .where('id', '=', itemId)
        .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
        .executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    },
  };
}

export type ScheduleAdminStore = ReturnType<typeof scheduleAdminStore>;
