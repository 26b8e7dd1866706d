// Agents and tools: the project's registry. Both tables share one shape; every query names the
// tenant. A change to kind, configuration, schemas or timeout bumps the version (SPEC section 5).
import type { Selectable } from 'kysely';
import type { CalleeKind, CalleeRecord, PageRequest } from '../core/resources.ts';
import type { Database } from './database.ts';
import { projectScoped } from './project-scoped.ts';
import { parseNullableObject, parseObject, toJson, toNullableJson } from './json-column.ts';
import type { CalleeTable } from './schema.ts';

export interface CalleePatch {
  readonly name?: string | undefined;
  readonly kind?: string | undefined;
  readonly config?: Record<string, unknown> | undefined;
  readonly input_schema?: Record<string, unknown> | null | undefined;
  readonly output_schema?: Record<string, unknown> | null | undefined;
  readonly timeout_seconds?: number | null | undefined;
}

const fromRow = (row: Selectable<CalleeTable>): CalleeRecord => ({
  id: row.id,
  project_id: row.project_id,
  name: row.name,
  kind: row.kind,
  config: parseObject(row.config),
  input_schema: parseNullableObject(row.input_schema),
  output_schema: parseNullableObject(row.output_schema),
  timeout_seconds: row.timeout_seconds,
  version: row.version,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export function registryStore(database: Database, table: CalleeKind) {
  const { db } = database;
  const scoped = projectScoped(db, table);
  return {
    async list(
      tenantId: string,
      filter: { readonly projectId?: string | undefined },
      page: PageRequest,
    ): Promise<CalleeRecord[]> {
      const rows = await scoped.page(tenantId, filter, page);
      return rows.map(fromRow);
    },

    async get(tenantId: string, id: string): Promise<CalleeRecord | undefined> {
      const row = await scoped.one(tenantId, id);
      return row === undefined ? undefined : fromRow(row);
    },

    idsInProject: scoped.idsInProject,

    async create(tenantId: string, callee: CalleeRecord): Promise<void> {
      await db
        .insertInto(table)
        .values({
          ...callee,
          tenant_id: tenantId,
          config: toJson(callee.config),
          input_schema: toNullableJson(callee.input_schema),
          output_schema: toNullableJson(callee.output_schema),
        })
        .execute();
    },

    async update(
      tenantId: string,
      id: string,
      patch: CalleePatch,
      now: number,
    ): Promise<CalleeRecord | undefined> {
      const behaviour = ['kind', 'config', 'input_schema', 'output_schema', 'timeout_seconds'];
      const changesBehaviour = behaviour.some(
        (key) => patch[key as keyof CalleePatch] !== undefined,
      );
      const row = await db
        .updateTable(table)
        .set((eb) => ({
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.kind === undefined ? {} : { kind: patch.kind }),
          ...(patch.config === undefined ? {} : { config: toJson(patch.config) }),
          ...(patch.input_schema === undefined
            ? {}
            : { input_schema: toNullableJson(patch.input_schema) }),
          ...(patch.output_schema === undefined
            ? {}
            : { output_schema: toNullableJson(patch.output_schema) }),
          ...(patch.timeout_seconds === undefined
            ? {}
            : { timeout_seconds: patch.timeout_seconds }),
          ...(changesBehaviour ? { version: eb('version', '+', 1) } : {}),
          updated_at: now,
        }))
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },

    /** 'in_use' while a journey still names the agent. */
    async remove(tenantId: string, id: string): Promise<'deleted' | 'missing' | 'in_use'> {
      return database.write(async (trx) => {
        if (table === 'agents') {
          const user = await trx
            .selectFrom('journeys')
            .select('id')
            .where('agent_id', '=', id)
            .limit(1)
            .executeTakeFirst();
          if (user !== undefined) {
            const own = await trx
              .selectFrom('agents')
              .select('id')
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .executeTakeFirst();
            return own === undefined ? 'missing' : 'in_use';
          }
        }
        const deleted = await trx
          .deleteFrom(table)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        return deleted.numDeletedRows > 0n ? 'deleted' : 'missing';
      });
    },
  };
}

export type RegistryStore = ReturnType<typeof registryStore>;
