// What every project-scoped resource store reads alike: one of the tenant's rows by id, a page of
// them (optionally of one project) in id order, and which of some ids belong to a project. Always
// by tenant, so another tenant's row is simply not found. Each store says how its rows become
// records (`toRecords`, given every row of a read at once so it can add what it joins in bulk).
import type { Kysely, Selectable } from 'kysely';
import type { PageRequest } from '../core/resources.ts';
import type { Schema } from './schema.ts';

export type ProjectScopedTable = 'agents' | 'tools' | 'journeys' | 'test_plans' | 'schedules';

export function projectScoped<T extends ProjectScopedTable, R>(
  db: Kysely<Schema>,
  table: T,
  toRecords: (rows: Selectable<Schema[T]>[]) => R[] | Promise<R[]>,
) {
  // The tables share these columns; Kysely types a query on one table at a time.
  const from = () => db.selectFrom(table as 'journeys');
  return {
    list: async (
      tenantId: string,
      filter: { readonly projectId?: string | undefined },
      page: PageRequest,
    ): Promise<R[]> => {
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
      return toRecords(rows as unknown as Selectable<Schema[T]>[]);
    },

    get: async (tenantId: string, id: string): Promise<R | undefined> => {
      const row = await from()
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      return (await toRecords([row as unknown as Selectable<Schema[T]>]))[0];
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
