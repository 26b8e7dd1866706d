// What every project-scoped resource store asks alike: one of the tenant's rows by id, a page of
// them (optionally of one project) in id order, and which of some ids belong to a project. Always by tenant, so
// another tenant's row is simply not found.
import type { Kysely, Selectable } from 'kysely';
import type { PageRequest } from '../core/resources.ts';
import type { Schema } from './schema.ts';

export type ProjectScopedTable = 'agents' | 'tools' | 'journeys' | 'test_plans' | 'schedules';

export function projectScoped<T extends ProjectScopedTable>(db: Kysely<Schema>, table: T) {
  // The tables share these columns; Kysely types a query on one table at a time.
  const from = () => db.selectFrom(table as 'journeys');
  return {
    one: async (tenantId: string, id: string): Promise<Selectable<Schema[T]> | undefined> => {
      const row = await from()
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row as unknown as Selectable<Schema[T]> | undefined;
    },

    page: async (
      tenantId: string,
      filter: { readonly projectId?: string | undefined },
      page: PageRequest,
    ): Promise<Selectable<Schema[T]>[]> => {
      const rows = await from()
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .$if(filter.projectId !== undefined, (q) =>
          q.where('project_id', '=', filter.projectId as string),
        )
        .$if(page.after !== undefined, (q) => q.where('id', '>', page.after as string))
        .orderBy('id')
        .limit(page.limit)
        .execute();
      return rows as unknown as Selectable<Schema[T]>[];
    },

    /** Which of `ids` are rows of the project. */
    idsInProject: async (
      tenantId: string,
      projectId: string,
      ids: readonly string[],
    ): Promise<Set<string>> => {
      if (ids.length === 0) return new Set();
      const rows = await from()
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('project_id', '=', projectId)
        .where('id', 'in', [...ids])
        .execute();
      return new Set(rows.map((row) => row.id));
    },
  };
}
