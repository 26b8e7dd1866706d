// A schedule's audit trail as the API reads it (SPEC section 3): its ticks, with every
// candidate's decision and the runs they started, and its missed fire-time records, in one list
// newest first by the time each covers (ADR 18). Every query is scoped by tenant.
import { sql, type Selectable } from 'kysely';
import type {
  AuditEntryRecord,
  AuditPageRequest,
  MissedEntryRecord,
  TickEntryRecord,
  TickItemDecision,
  TickRun,
} from '../../core/run-records.ts';
import { auditTime } from '../../core/run-records.ts';
import type { Database } from '../database.ts';
import type { MissedFireTimeTable, TickTable } from '../schema.ts';

type TickRow = Selectable<TickTable>;

const byTimeThenIdDesc = (a: AuditEntryRecord, b: AuditEntryRecord): number =>
  auditTime(b) - auditTime(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const missedFromRow = (row: Selectable<MissedFireTimeTable>): MissedEntryRecord => ({
  kind: 'missed',
  id: row.id,
  from: row.from_time,
  to: row.to_time,
  count: row.count,
  reason: row.reason,
  created_at: row.recorded_at,
});

/** A tick without its decisions and runs, for ordering. */
const tickHeader = (row: TickRow): TickEntryRecord => ({
  kind: 'tick',
  id: row.id,
  trigger: row.trigger,
  fire_time: row.fire_time,
  outcome: row.outcome,
  per_tick_budget: row.per_tick_budget,
  tenant_left: row.tenant_left,
  ended_at: row.ended_at,
  created_at: row.created_at,
  items: [],
  runs: [],
});

/** Rows past a newest-first cursor: older than its time, or as old with a lower id. */
const olderThan = (
  time: 'fire_time' | 'to_time',
  cursor: { readonly at: number; readonly id: string },
) =>
  sql<boolean>`(${sql.ref(time)} < ${cursor.at} or (${sql.ref(time)} = ${cursor.at} and ${sql.ref('id')} < ${cursor.id}))`;

export function scheduleAuditStore(database: Database) {
  const { db } = database;

  async function decisions(tickIds: readonly string[]) {
    if (tickIds.length === 0) return { items: [], runs: [] };
    const items = await db
      .selectFrom('tick_items')
      .leftJoin('schedule_items', 'schedule_items.id', 'tick_items.item_id')
      .select([
        'tick_items.tick_id',
        'tick_items.item_id',
        'tick_items.rank',
        'tick_items.score',
        'tick_items.outcome',
        'tick_items.reason',
        'tick_items.errors',
        'schedule_items.target_kind',
        'schedule_items.target_id',
      ])
      .where('tick_items.tick_id', 'in', [...tickIds])
      .execute();
    const runs = await db
      .selectFrom('runs')
      .select(['id', 'tick_id', 'item_id', 'status', 'error_code'])
      .where('tick_id', 'in', [...tickIds])
      .orderBy('id')
      .execute();
    return { items, runs };
  }

  async function withDecisions(ticks: readonly TickRow[]): Promise<TickEntryRecord[]> {
    const { items, runs } = await decisions(ticks.map((t) => t.id));
    return ticks.map((tick) => ({
      ...tickHeader(tick),
      items: items
        .filter((item) => item.tick_id === tick.id)
        .map((item): TickItemDecision => ({
          item_id: item.item_id,
          target:
            item.target_kind === null || item.target_id === null
              ? null
              : { kind: item.target_kind, id: item.target_id },
          rank: item.rank,
          score: item.score,
          outcome: item.outcome,
          reason: item.reason,
          errors:
            item.errors === null ? null : (JSON.parse(item.errors) as TickItemDecision['errors']),
        }))
        // Selection order first; items that never were candidates (rank null) last.
        .sort(
          (a, b) =>
            (a.rank ?? Infinity) - (b.rank ?? Infinity) ||
            (a.item_id < b.item_id ? -1 : a.item_id > b.item_id ? 1 : 0),
        ),
      runs: runs
        .filter((run) => run.tick_id === tick.id)
        .map((run): TickRun => ({
          id: run.id,
          item_id: run.item_id,
          status: run.status,
          error_code: run.error_code,
        })),
    }));
  }

  return {
    /** One page of the trail, newest first; `page.limit` entries at most. */
    async trail(
      tenantId: string,
      scheduleId: string,
      page: AuditPageRequest,
    ): Promise<AuditEntryRecord[]> {
      const { after, limit } = page;
      const ticks = await db
        .selectFrom('ticks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .$if(after !== undefined, (q) => q.where(olderThan('fire_time', after!)))
        .orderBy('fire_time', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      const missed = await db
        .selectFrom('missed_fire_times')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .$if(after !== undefined, (q) => q.where(olderThan('to_time', after!)))
        .orderBy('to_time', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      // Each list is in order and holds at least the page's share of entries: merge, then cut.
      const entries = [...ticks.map(tickHeader), ...missed.map(missedFromRow)]
        .sort(byTimeThenIdDesc)
        .slice(0, limit);
      const shown = new Set(entries.map((entry) => entry.id));
      const detailed = new Map(
        (await withDecisions(ticks.filter((t) => shown.has(t.id)))).map((t) => [t.id, t]),
      );
      return entries.map((entry) =>
        entry.kind === 'tick' ? (detailed.get(entry.id) ?? entry) : entry,
      );
    },

    /** One tick as the trail shows it, if it is this tenant's. */
    async tick(tenantId: string, tickId: string): Promise<TickEntryRecord | undefined> {
      const row = await db
        .selectFrom('ticks')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', tickId)
        .executeTakeFirst();
      return row === undefined ? undefined : (await withDecisions([row]))[0];
    },
  };
}

export type ScheduleAuditStore = ReturnType<typeof scheduleAuditStore>;
