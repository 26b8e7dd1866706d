// What the scheduler reads and writes about schedules: which are due, everything one tick's
// decision needs (items, their live runs, the targets' cost, the tenant's spend today), missed
// fire-time records, and the next fire time.
import { CompiledQuery, sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { LIVE_RUN_STATUSES } from '../core/run-state.ts';
import { chunks, insertChunked, valuesList } from './batch-sql.ts';
import type { Database, Dialect } from './database.ts';
import type {
  MissedFireTimeTable,
  Schema,
  ScheduleItemTable,
  ScheduleTable,
  TenantTable,
} from './schema.ts';

export type StoredSchedule = Selectable<ScheduleTable>;
export type StoredItem = Selectable<ScheduleItemTable>;

export interface ItemState {
  readonly item: StoredItem;
  /** The item's newest queued or running run, which makes the next one overlap. */
  readonly liveRunId: string | null;
  /** A queued run already waiting behind a live one (buffer_one). */
  readonly waiting: boolean;
  /** Agents one run spawns, or errors when the target is missing. */
  readonly agentCost: number;
  readonly targetErrors: readonly { readonly code: string; readonly message: string }[];
}

export interface TickContext {
  readonly schedule: StoredSchedule;
  readonly tenant: Selectable<TenantTable>;
  readonly items: readonly ItemState[];
}

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
    const due = await database.claimable(dueQuery(trx, now, limit).select('id')).execute();
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

/** Everything one tick of the schedule needs, read now; undefined once it was deleted. */
export async function loadTickContext(
  database: Database,
  scheduleId: string,
  now: number,
): Promise<TickContext | undefined> {
  const schedule = await database.db
    .selectFrom('schedules')
    .selectAll()
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  if (schedule === undefined) return undefined;
  return (await loadTickContexts(database, [schedule], now)).get(scheduleId);
}

/**
 * The runs `runs_live_by_schedule` holds, spelled as in its definition: SQLite takes a partial
 * index only for a query that repeats its condition with literals, not bound parameters.
 */
const LIVE_RUN = sql<boolean>`status in (${sql.join(LIVE_RUN_STATUSES.map((s) => sql.lit(s)))})`;

// Ids per IN list: far below either database's bound-parameter limit.
const IN_CHUNK = 500;

async function inChunks<T>(
  ids: readonly string[],
  read: (chunk: string[]) => Promise<readonly T[]>,
): Promise<T[]> {
  const unique = [...new Set(ids)];
  const rows: T[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK)
    rows.push(...(await read(unique.slice(i, i + IN_CHUNK))));
  return rows;
}

/**
 * The tick inputs of many schedules in a handful of queries, whatever their number: the
 * scheduler reads a whole batch of due schedules at once rather than one schedule at a time.
 */
export async function loadTickContexts(
  database: Database,
  schedules: readonly StoredSchedule[],
  now: number,
): Promise<Map<string, TickContext>> {
  const { db } = database;
  const scheduleIds = schedules.map((s) => s.id);
  const tenants = new Map(
    (
      await inChunks(
        schedules.map((s) => s.tenant_id),
        (ids) => db.selectFrom('tenants').selectAll().where('id', 'in', ids).execute(),
      )
    ).map((t) => [t.id, t]),
  );
  const items = await inChunks(scheduleIds, (ids) =>
    db
      .selectFrom('schedule_items')
      .selectAll()
      .where('schedule_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('id')
      .execute(),
  );
  const live = await inChunks(scheduleIds, (ids) =>
    db
      .selectFrom('runs')
      .select(['id', 'item_id', 'status', 'after_run_id', 'queued_at'])
      .where('schedule_id', 'in', ids)
      .where(LIVE_RUN)
      // Live: queued, or running under a lease that has not expired. A run whose worker died
      // stops counting when its lease runs out, never by a flag (SPEC section 3 step 4).
      .where((eb) =>
        eb.or([
          eb('status', '=', 'queued'),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '>', now)]),
        ]),
      )
      .orderBy('queued_at', 'desc')
      .orderBy('id', 'desc')
      .execute(),
  );
  const projectOf = new Map(schedules.map((s) => [s.id, s.project_id]));
  const targetIds = (kind: StoredItem['target_kind']) =>
    items.filter((i) => i.target_kind === kind).map((i) => i.target_id);
  // A target counts only in the schedule's own project: one moved or deleted is missing.
  const journeys = new Map(
    (
      await inChunks(targetIds('journey'), (ids) =>
        db.selectFrom('journeys').select(['id', 'project_id']).where('id', 'in', ids).execute(),
      )
    ).map((j) => [j.id, j.project_id]),
  );
  const plans = new Map(
    (
      await inChunks(targetIds('test_plan'), (ids) =>
        db
          .selectFrom('test_plans')
          .leftJoin('test_plan_journeys', 'test_plan_journeys.test_plan_id', 'test_plans.id')
          .select([
            'test_plans.id as id',
            'test_plans.project_id as project_id',
            (eb) => eb.fn.count<number>('test_plan_journeys.journey_id').as('size'),
          ])
          .where('test_plans.id', 'in', ids)
          .groupBy(['test_plans.id', 'test_plans.project_id'])
          .execute(),
      )
    ).map((p) => [p.id, { projectId: p.project_id, size: Number(p.size) }]),
  );
  const liveByItem = new Map<string, (typeof live)[number][]>();
  for (const run of live) {
    if (run.item_id === null) continue;
    const list = liveByItem.get(run.item_id) ?? [];
    list.push(run);
    liveByItem.set(run.item_id, list);
  }
  const itemsBySchedule = new Map<string, ItemState[]>();
  for (const item of items) {
    const project = projectOf.get(item.schedule_id);
    const cost =
      item.target_kind === 'journey'
        ? journeys.get(item.target_id) === project
          ? 1
          : undefined
        : item.target_kind === 'test_plan'
          ? plans.get(item.target_id)?.projectId === project
            ? plans.get(item.target_id)?.size
            : undefined
          : undefined;
    const runs = liveByItem.get(item.id) ?? [];
    const list = itemsBySchedule.get(item.schedule_id) ?? [];
    list.push({
      item,
      // The newest live run is the one a new run would wait behind or cancel.
      liveRunId: runs[0]?.id ?? null,
      waiting: runs.some((run) => run.status === 'queued' && run.after_run_id !== null),
      agentCost: cost ?? 0,
      targetErrors:
        cost === undefined
          ? [
              {
                code: 'target_missing',
                message: `The ${item.target_kind.replace('_', ' ')} ${item.target_id} no longer exists in this project.`,
              },
            ]
          : [],
    });
    itemsBySchedule.set(item.schedule_id, list);
  }
  const contexts = new Map<string, TickContext>();
  for (const schedule of schedules) {
    const tenant = tenants.get(schedule.tenant_id);
    if (tenant === undefined) continue;
    contexts.set(schedule.id, {
      schedule,
      tenant,
      items: itemsBySchedule.get(schedule.id) ?? [],
    });
  }
  return contexts;
}

/**
 * Holds the tenants' budgets for the enclosing write transaction: a scheduler replica planning
 * ticks of the same tenant waits until this one's runs are committed, and then reads a spend
 * that counts them (on PostgreSQL, row locks on the tenants, always taken in id order).
 */
export async function lockTenantBudgets(
  database: Database,
  tenantIds: readonly string[],
): Promise<void> {
  const ids = [...new Set(tenantIds)].sort();
  for (let i = 0; i < ids.length; i += IN_CHUNK)
    await database
      .exclusiveLock(
        database.db
          .selectFrom('tenants')
          .select('id')
          .where('id', 'in', ids.slice(i, i + IN_CHUNK))
          .orderBy('id'),
      )
      .execute();
}

/** Agents the tenant's runs have spawned (or are set to spawn) since `dayStart`. */
export async function agentsSpentSince(
  database: Database,
  tenantId: string,
  dayStart: number,
): Promise<number> {
  const row = await database.db
    .selectFrom('runs')
    .select((eb) => eb.fn.sum<number>('agents_spawned').as('spent'))
    .where('tenant_id', '=', tenantId)
    .where('queued_at', '>=', dayStart)
    .executeTakeFirst();
  return Number(row?.spent ?? 0);
}

export interface ScheduleAdvance {
  readonly scheduleId: string;
  /** The fire time the schedule was read at: it moves only if it is still there. */
  readonly from: number;
  /** Its next fire time; null when it has none left. */
  readonly to: number | null;
  /** Fire times it leaves behind without a tick (SPEC section 3: one record per run of them). */
  readonly missed: readonly Insertable<MissedFireTimeTable>[];
  /** Its latest tick written with this advance: `last_tick_at` moves up to it, never back. */
  readonly lastTickAt?: number | null;
}

const ADVANCE_ONE_SQLITE = `update schedules set next_fire_at = ?, claimed_by = null,
  claimed_until = null, last_tick_at = case when ? is null then last_tick_at
  when last_tick_at is null or last_tick_at < ? then ? else last_tick_at end
  where id = ? and next_fire_at = ? returning id`;

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
  dialect: Dialect,
  advances: readonly ScheduleAdvance[],
): Promise<Set<string>> {
  const moved = new Set<string>();
  if (dialect === 'sqlite') {
    // One statement per row: SQLite has no round trip to save, and its UPDATE … FROM over a
    // VALUES list is the slower plan by far (80 ms for 500 rows against 2 ms). The statement is
    // written once, not built per row: building it was most of the cost.
    for (const a of advances) {
      const last = a.lastTickAt ?? null;
      const { rows } = await trx.executeQuery<{ id: string }>(
        CompiledQuery.raw(ADVANCE_ONE_SQLITE, [a.to, last, last, last, a.scheduleId, a.from]),
      );
      if (rows[0] !== undefined) moved.add(rows[0].id);
    }
  } else {
    for (const chunk of chunks(advances)) {
      const rows = valuesList(
        chunk.map(
          (a) =>
            sql`(${a.scheduleId}, cast(${a.from} as bigint), cast(${a.to} as bigint), cast(${a.lastTickAt ?? null} as bigint))`,
        ),
      );
      const { rows: updated } = await sql<{
        id: string;
      }>`with v(id, from_at, next_at, last_at) as (values ${rows})
        update schedules set next_fire_at = v.next_at, claimed_by = null, claimed_until = null,
          last_tick_at = case when v.last_at is not null and (schedules.last_tick_at is null
            or schedules.last_tick_at < v.last_at) then v.last_at else schedules.last_tick_at end
        from v where schedules.id = v.id and schedules.next_fire_at = v.from_at
        returning schedules.id as id`.execute(trx);
      for (const row of updated) moved.add(row.id);
    }
  }
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
  missed: readonly Insertable<MissedFireTimeTable>[],
  advance: { readonly from: number; readonly to: number | null },
): Promise<boolean> {
  const moved = await database.write((trx) =>
    advanceSchedules(trx, database.dialect, [{ scheduleId, missed, ...advance }]),
  );
  return moved.has(scheduleId);
}
