// Test plans, scoped by tenant: a name and an ordered list of the project's journeys.
import type { Kysely, Selectable } from 'kysely';
import type { Revisions, TestPlanRecord } from '../core/resources.ts';
import type { Database } from './database.ts';
import { projectScoped } from './project-scoped.ts';
import { matching } from './revision.ts';
import type { Schema, TestPlanTable } from './schema.ts';

async function withJourneys(
  db: Kysely<Schema>,
  rows: readonly Selectable<TestPlanTable>[],
): Promise<TestPlanRecord[]> {
  if (rows.length === 0) return [];
  const links = await db
    .selectFrom('test_plan_journeys')
    .select(['test_plan_id', 'journey_id'])
    .where(
      'test_plan_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('test_plan_id')
    .orderBy('position')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    project_id: row.project_id,
    name: row.name,
    journey_ids: links.filter((l) => l.test_plan_id === row.id).map((l) => l.journey_id),
    revision: row.revision,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }));
}

async function writeJourneys(
  trx: Kysely<Schema>,
  planId: string,
  journeyIds: readonly string[],
): Promise<void> {
  await trx.deleteFrom('test_plan_journeys').where('test_plan_id', '=', planId).execute();
  if (journeyIds.length === 0) return;
  await trx
    .insertInto('test_plan_journeys')
    .values(
      journeyIds.map((journey_id, position) => ({ test_plan_id: planId, journey_id, position })),
    )
    .execute();
}

export function testPlanStore(database: Database) {
  const { db } = database;
  return {
    ...projectScoped(db, 'test_plans', (rows) => withJourneys(db, rows)),

    async create(tenantId: string, plan: TestPlanRecord): Promise<void> {
      await database.write(async (trx) => {
        await trx
          .insertInto('test_plans')
          .values({
            id: plan.id,
            tenant_id: tenantId,
            project_id: plan.project_id,
            name: plan.name,
            revision: plan.revision,
            created_at: plan.created_at,
            updated_at: plan.updated_at,
          })
          .execute();
        await writeJourneys(trx, plan.id, plan.journey_ids);
      });
    },

    async update(
      tenantId: string,
      id: string,
      patch: {
        readonly name?: string | undefined;
        readonly journey_ids?: readonly string[] | undefined;
      },
      now: number,
      expected?: Revisions,
    ): Promise<TestPlanRecord | undefined> {
      const updated = await database.write(async (trx) => {
        const row = await trx
          .updateTable('test_plans')
          .set((eb) => ({
            ...(patch.name === undefined ? {} : { name: patch.name }),
            revision: eb('revision', '+', 1),
            updated_at: now,
          }))
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
          .returning('id')
          .executeTakeFirst();
        if (row === undefined) return false;
        if (patch.journey_ids !== undefined) await writeJourneys(trx, id, patch.journey_ids);
        return true;
      });
      return updated ? this.get(tenantId, id) : undefined;
    },

    /** False when there is no such plan or its revision is not one of `expected`. */
    async remove(tenantId: string, id: string, expected?: Revisions): Promise<boolean> {
      const deleted = await db
        .deleteFrom('test_plans')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
        .executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    },
  };
}

export type TestPlanStore = ReturnType<typeof testPlanStore>;
