// Everything a tick's decision needs, for a whole batch of due schedules in a handful of
// queries: the items, their live runs, the targets' cost, the tenants and their spend.
import { sql } from 'kysely';
import type { FiringSchedule, ItemState, TickContext } from '../../core/firing-records.ts';
import { systemActor } from '../../core/audit-actions.ts';
import { grantStatus, type GrantFacts } from '../../core/grant-status.ts';
import { LIVE_RUN_STATUSES } from '../../core/run-state.ts';
import type { Database } from '../database.ts';
import { firingItem, firingSchedule } from '../firing-rows.ts';
import { appendAudit } from '../audit-log-store.ts';
import { latestGrantsOf, userKey, type GrantFactsByUser } from '../grant-store.ts';
import type { ScheduleItemTable } from '../schema.ts';

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
  return (await loadTickContexts(database, [firingSchedule(schedule)], now)).get(scheduleId);
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
  schedules: readonly FiringSchedule[],
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
  const targetIds = (kind: ScheduleItemTable['target_kind']) =>
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
      item: firingItem(item),
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
    await database.coordination
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

/** The latest grant of each user-owned schedule's owner, by schedule id (one query per batch). */
export async function ownerGrants(
  database: Database,
  schedules: readonly FiringSchedule[],
  now: number,
): Promise<Map<string, GrantFacts>> {
  const owned = schedules.filter((s) => s.owner_kind === 'user');
  if (owned.length === 0) return new Map();
  const latest = await latestGrantsOf(
    database.db,
    owned.map((s) => ({ tenantId: s.tenant_id, userId: s.owner_id })),
  );
  const bySchedule = new Map<string, GrantFacts>();
  for (const schedule of owned) {
    const grant = latest.get(userKey(schedule.tenant_id, schedule.owner_id));
    if (grant !== undefined) bySchedule.set(schedule.id, grant);
  }
  await recordExpiries(database, owned, latest, now);
  return bySchedule;
}

/** `grant.expire`, once per grant, when the scheduler first finds a live grant past its end. */
async function recordExpiries(
  database: Database,
  owned: readonly FiringSchedule[],
  latest: GrantFactsByUser,
  now: number,
): Promise<void> {
  const ended = new Map<string, string>();
  for (const schedule of owned) {
    const grant = latest.get(userKey(schedule.tenant_id, schedule.owner_id));
    if (grant !== undefined && grantStatus(grant, now) === 'expired')
      ended.set(grant.id, schedule.tenant_id);
  }
  if (ended.size === 0) return;
  const told = await database.db
    .selectFrom('audit_log')
    .select('target_id')
    .where('action', '=', 'grant.expire')
    .where('target_id', 'in', [...ended.keys()])
    .execute();
  for (const { target_id: id } of told) if (id !== null) ended.delete(id);
  for (const [id, tenantId] of ended)
    await appendAudit(
      database.db,
      {
        actor: systemActor(tenantId),
        action: 'grant.expire',
        target: { kind: 'grant', id },
        outcome: 'success',
      },
      now,
    );
}
