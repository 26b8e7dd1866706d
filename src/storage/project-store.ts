// Projects, scoped by tenant: every query names the tenant, so another tenant's row is simply
// not found.
import type { PageRequest, ProjectRecord } from '../core/resources.ts';
import type { Database } from './database.ts';

export function projectStore(database: Database) {
  const { db } = database;
  return {
    list(tenantId: string, page: PageRequest): Promise<ProjectRecord[]> {
      return db
        .selectFrom('projects')
        .select(['id', 'name', 'created_at', 'updated_at'])
        .where('tenant_id', '=', tenantId)
        .$if(page.after !== undefined, (q) => q.where('id', '>', page.after as string))
        .orderBy('id')
        .limit(page.limit)
        .execute();
    },

    get(tenantId: string, id: string): Promise<ProjectRecord | undefined> {
      return db
        .selectFrom('projects')
        .select(['id', 'name', 'created_at', 'updated_at'])
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** The tenant's projects with exactly this name, oldest first (names need not be unique). */
    named(tenantId: string, name: string): Promise<ProjectRecord[]> {
      return db
        .selectFrom('projects')
        .select(['id', 'name', 'created_at', 'updated_at'])
        .where('tenant_id', '=', tenantId)
        .where('name', '=', name)
        .orderBy('id')
        .execute();
    },

    async create(tenantId: string, project: ProjectRecord): Promise<void> {
      await db
        .insertInto('projects')
        .values({ ...project, tenant_id: tenantId })
        .execute();
    },

    async update(
      tenantId: string,
      id: string,
      patch: { readonly name?: string | undefined },
      now: number,
    ): Promise<ProjectRecord | undefined> {
      return db
        .updateTable('projects')
        .set({ ...(patch.name === undefined ? {} : { name: patch.name }), updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returning(['id', 'name', 'created_at', 'updated_at'])
        .executeTakeFirst();
    },

    /** Deletes the project and, by cascade, everything in it. */
    async remove(tenantId: string, id: string): Promise<boolean> {
      return database.write(async (trx) => {
        // Journeys point at agents without a cascade: remove them first, then the rest cascades.
        await trx
          .deleteFrom('test_plans')
          .where('tenant_id', '=', tenantId)
          .where('project_id', '=', id)
          .execute();
        await trx
          .deleteFrom('journeys')
          .where('tenant_id', '=', tenantId)
          .where('project_id', '=', id)
          .execute();
        const deleted = await trx
          .deleteFrom('projects')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        return deleted.numDeletedRows > 0n;
      });
    },
  };
}

export type ProjectStore = ReturnType<typeof projectStore>;
