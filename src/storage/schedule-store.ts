// What the scheduler reads and writes about schedules: which are due, everything one tick's
// decision needs (items, their live runs, the targets' cost, the tenant's spend today), missed
// fire-time records, and the next fire time.
import type { Insertable, Selectable } from 'kysely';
import type { Database } from './database.ts';
import type {
  MissedFireTimeTable,
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
    const due = await database
      .claimable(
        trx
          .selectFrom('schedules')
          .select('id')
          .where('enabled', '=', 1)
          .where('next_fire_at', '<=', now)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
          .orderBy('next_fire_at')
          .orderBy('id')
          .limit(limit),
      )
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

export async function loadTickContext(
  database: Database,
  scheduleId: string,
  now: number,
): Promise<TickContext | undefined> {
  const { db } = database;
  const schedule = await db
    .selectFrom('schedules')
    .selectAll()
    .where('id', '=', scheduleId)
    .executeTakeFirst();
  if (schedule === undefined) return undefined;
  const tenant = await db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', schedule.tenant_id)
    .executeTakeFirstOrThrow();
  const items = await db
    .selectFrom('schedule_items')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .orderBy('created_at')
    .execute();
  const live = await db
    .selectFrom('runs')
    .select(['id', 'item_id', 'status', 'after_run_id', 'queued_at'])
    .where('schedule_id', '=', scheduleId)
    // Live: queued, or running under a lease that has not expired. A run whose worker died
    // stops counting when its lease runs out, never by a flag (SPEC section 3 step 4).
    .where((eb) =>
      eb.or([
        eb('status', '=', 'queued'),
        eb.and([eb('status', '=', 'running'), eb('lease_until', '>', now)]),
      ]),
    )
    .orderBy('queued_at', 'desc')
    .execute();
  const journeys = new Set(
    (
      await db
        .selectFrom('journeys')
        .select('id')
        .where('project_id', '=', schedule.project_id)
        .execute()
    ).map((j) => j.id),
  );
  const planSizes = new Map(
    (
      await db
        .selectFrom('test_plans')
        .leftJoin('test_plan_journeys', 'test_plan_journeys.test_plan_id', 'test_plans.id')
        .select([
          'test_plans.id as id',
          (eb) => eb.fn.count<number>('test_plan_journeys.journey_id').as('size'),
        ])
        .where('test_plans.project_id', '=', schedule.project_id)
        .groupBy('test_plans.id')
        .execute()
    ).map((p) => [p.id, Number(p.size)]),
  );
  return {
    schedule,
    tenant,
    items: items.map((item) => {
      const runs = live.filter((run) => run.item_id === item.id);
      const cost =
        item.target_kind === 'journey'
          ? journeys.has(item.target_id)
            ? 1
            : undefined
          : planSizes.get(item.target_id);
      return {
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
      };
    }),
  };
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

/**
 * Records missed fire times (once each) and moves the schedule from `from` to its next fire
 * time, unless another pass has moved it already (then this one changes nothing).
 */
export async function recordMissed(
  database: Database,
  scheduleId: string,
  missed: readonly Insertable<MissedFireTimeTable>[],
  advance: { readonly from: number; readonly to: number | null },
): Promise<boolean> {
  return database.write(async (trx) => {
    const moved = await trx
      .updateTable('schedules')
      .set({ next_fire_at: advance.to, claimed_by: null, claimed_until: null })
      .where('id', '=', scheduleId)
      .where('next_fire_at', '=', advance.from)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) return false;
    if (missed.length > 0) {
      await trx
        .insertInto('missed_fire_times')
        .values([...missed])
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return true;
  });
}
