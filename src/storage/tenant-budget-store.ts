// The tenant's settings and what its runs spend, for `GET|PATCH /tenant`, `GET /budget`, its
// coverage heat map and the coverage forecast. Spending is summed per schedule and quarter hour in the database, so that the
// HTTP layer can cut local days in any time zone (every zone's midnight falls on a quarter hour).
import { sql, type Selectable } from 'kysely';
import {
  SPENDING_BUCKET_MS,
  type CoverageSchedule,
  type ItemRunBucket,
  type SpendingBucket,
  type TenantRecord,
} from '../core/run-records.ts';
import type { Database } from './database.ts';
import type { TenantTable } from './schema.ts';

const tenantFromRow = (row: Selectable<TenantTable>): TenantRecord => ({ ...row });

export interface TenantChange {
  readonly name?: string | undefined;
  readonly timezone?: string | undefined;
  readonly daily_agent_budget?: number | null | undefined;
}

export function tenantBudgetStore(database: Database) {
  const { db } = database;
  return {
    async get(tenantId: string): Promise<TenantRecord | undefined> {
      const row = await db
        .selectFrom('tenants')
        .selectAll()
        .where('id', '=', tenantId)
        .executeTakeFirst();
      return row === undefined ? undefined : tenantFromRow(row);
    },

    /** Changes the settings; 'name_taken' when another tenant has the name. */
    async update(
      tenantId: string,
      change: TenantChange,
      now: number,
    ): Promise<TenantRecord | 'name_taken' | undefined> {
      if (change.name !== undefined) {
        const clash = await db
          .selectFrom('tenants')
          .select('id')
          .where('name', '=', change.name)
          .where('id', '<>', tenantId)
          .executeTakeFirst();
        if (clash !== undefined) return 'name_taken';
      }
      const row = await db
        .updateTable('tenants')
        .set({
          ...(change.name === undefined ? {} : { name: change.name }),
          ...(change.timezone === undefined ? {} : { timezone: change.timezone }),
          ...(change.daily_agent_budget === undefined
            ? {}
            : { daily_agent_budget: change.daily_agent_budget }),
          updated_at: now,
        })
        .where('id', '=', tenantId)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : tenantFromRow(row);
    },

    /** Agents and runs since `since`, per schedule and quarter hour of `queued_at`. */
    async spending(tenantId: string, since: number): Promise<SpendingBucket[]> {
      const bucket = sql<number>`(queued_at / ${sql.lit(SPENDING_BUCKET_MS)})`;
      const rows = await db
        .selectFrom('runs')
        .select((eb) => [
          'schedule_id',
          bucket.as('bucket'),
          eb.fn.sum<number>('agents_spawned').as('agents'),
          eb.fn.countAll<number>().as('runs'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('queued_at', '>=', since)
        .groupBy(['schedule_id', bucket])
        .execute();
      return rows.map((row) => ({
        schedule_id: row.schedule_id,
        at: Number(row.bucket) * SPENDING_BUCKET_MS,
        agents: Number(row.agents),
        runs: Number(row.runs),
      }));
    },

    /** Scheduled runs since `since`, per item and quarter hour of `queued_at`. */
    async itemRuns(
      tenantId: string,
      since: number,
      scheduleId: string | undefined,
    ): Promise<ItemRunBucket[]> {
      const bucket = sql<number>`(queued_at / ${sql.lit(SPENDING_BUCKET_MS)})`;
      const rows = await db
        .selectFrom('runs')
        .select((eb) => ['item_id', bucket.as('bucket'), eb.fn.countAll<number>().as('runs')])
        .where('tenant_id', '=', tenantId)
        .where('queued_at', '>=', since)
        .where('item_id', 'is not', null)
        .$if(scheduleId !== undefined, (q) => q.where('schedule_id', '=', scheduleId!))
        .groupBy(['item_id', bucket])
        .execute();
      return rows.map((row) => ({
        item_id: row.item_id!,
        at: Number(row.bucket) * SPENDING_BUCKET_MS,
        runs: Number(row.runs),
      }));
    },

    /** The tenant's schedules (or one) with their current items, in creation order. */
    async coverageSchedules(
      tenantId: string,
      scheduleId: string | undefined,
    ): Promise<CoverageSchedule[]> {
      const schedules = await db
        .selectFrom('schedules')
        .select(['id', 'name'])
        .where('tenant_id', '=', tenantId)
        .$if(scheduleId !== undefined, (q) => q.where('id', '=', scheduleId!))
        .orderBy('id')
        .execute();
      const items = await db
        .selectFrom('schedule_items')
        .select(['id', 'schedule_id', 'target_kind', 'target_id'])
        .where('tenant_id', '=', tenantId)
        .$if(scheduleId !== undefined, (q) => q.where('schedule_id', '=', scheduleId!))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return schedules.map((schedule) => ({
        ...schedule,
        items: items
          .filter((item) => item.schedule_id === schedule.id)
          .map((item) => ({ id: item.id, target: { kind: item.target_kind, id: item.target_id } })),
      }));
    },

    /** The names of the tenant's schedules among `ids`, by id. */
    async scheduleNames(tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('schedules')
        .select(['id', 'name'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', [...ids])
        .execute();
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    /** Agents one run of each item's target spawns; null for a target that no longer exists. */
    async itemCosts(tenantId: string, scheduleId: string): Promise<Map<string, number | null>> {
      const items = await db
        .selectFrom('schedule_items')
        .leftJoin('journeys', (join) =>
          join
            .onRef('journeys.id', '=', 'schedule_items.target_id')
            .on('schedule_items.target_kind', '=', 'journey'),
        )
        .leftJoin('test_plans', (join) =>
          join
            .onRef('test_plans.id', '=', 'schedule_items.target_id')
            .on('schedule_items.target_kind', '=', 'test_plan'),
        )
        .select((eb) => [
          'schedule_items.id as id',
          'journeys.id as journey_id',
          'test_plans.id as test_plan_id',
          eb
            .selectFrom('test_plan_journeys')
            .select((e) => e.fn.countAll<number>().as('n'))
            .whereRef('test_plan_journeys.test_plan_id', '=', 'test_plans.id')
            .as('plan_size'),
        ])
        .where('schedule_items.tenant_id', '=', tenantId)
        .where('schedule_items.schedule_id', '=', scheduleId)
        .execute();
      return new Map(
        items.map((row) => [
          row.id,
          row.journey_id !== null
            ? 1
            : row.test_plan_id !== null
              ? Number(row.plan_size ?? 0)
              : null,
        ]),
      );
    },
  };
}

export type TenantBudgetStore = ReturnType<typeof tenantBudgetStore>;
