// Journeys, scoped by tenant. A journey names the agent that exercises it (same project).
import type { Selectable } from 'kysely';
import type { JourneyRecord, Revisions } from '../core/resources.ts';
import type { Database } from './database.ts';
import { projectScoped } from './project-scoped.ts';
import { parseObject, toJson } from './json-column.ts';
import { matching } from './revision.ts';
import type { JourneyTable } from './schema.ts';

export interface JourneyPatch {
  readonly name?: string | undefined;
  readonly description?: string | null | undefined;
  readonly agent_id?: string | undefined;
  readonly inputs?: Record<string, unknown> | undefined;
}

const fromRow = (row: Selectable<JourneyTable>): JourneyRecord => ({
  id: row.id,
  project_id: row.project_id,
  name: row.name,
  description: row.description,
  agent_id: row.agent_id,
  inputs: parseObject(row.inputs),
  revision: row.revision,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export function journeyStore(database: Database) {
  const { db } = database;
  return {
    ...projectScoped(db, 'journeys', (rows) => rows.map(fromRow)),

    async create(tenantId: string, journey: JourneyRecord): Promise<void> {
      await db
        .insertInto('journeys')
        .values({ ...journey, tenant_id: tenantId, inputs: toJson(journey.inputs) })
        .execute();
    },

    async update(
      tenantId: string,
      id: string,
      patch: JourneyPatch,
      now: number,
      expected?: Revisions,
    ): Promise<JourneyRecord | undefined> {
      const row = await db
        .updateTable('journeys')
        .set((eb) => ({
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.description === undefined ? {} : { description: patch.description }),
          ...(patch.agent_id === undefined ? {} : { agent_id: patch.agent_id }),
          ...(patch.inputs === undefined ? {} : { inputs: toJson(patch.inputs) }),
          revision: eb('revision', '+', 1),
          updated_at: now,
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    /**
     * 'in_use' while a test plan lists the journey; 'missing' also when its revision is not one of
     * `expected` (checked first: a stale `If-Match` is answered before the journey's use).
     */
    async remove(
      tenantId: string,
      id: string,
      expected?: Revisions,
    ): Promise<'deleted' | 'missing' | 'in_use'> {
      return database.write(async (trx) => {
        const own = await trx
          .selectFrom('journeys')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
          .executeTakeFirst();
        if (own === undefined) return 'missing';
        const plan = await trx
          .selectFrom('test_plan_journeys')
          .select('test_plan_id')
          .where('journey_id', '=', id)
          .limit(1)
          .executeTakeFirst();
        if (plan !== undefined) return 'in_use';
        const deleted = await trx
          .deleteFrom('journeys')
          .where('id', '=', id)
          .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
          .executeTakeFirst();
        return deleted.numDeletedRows > 0n ? 'deleted' : 'missing';
      });
    },
  };
}

export type JourneyStore = ReturnType<typeof journeyStore>;
