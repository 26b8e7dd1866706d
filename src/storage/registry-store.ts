// Agents and tools: the project's registry. Both tables share one shape; every query names the
// tenant. A change to kind, configuration, schemas or timeout bumps the version (SPEC section 5).
// Header values (API keys, tokens) are stored sealed under ROTA_SECRET_KEY (SPEC section 7).
import type { Selectable } from 'kysely';
import {
  headerSealContext,
  headersOf,
  sameDestination,
  sealHeaders,
  type SecretSeal,
} from '../core/callee-config.ts';
import type { CalleeKind, CalleeRecord, Revisions } from '../core/resources.ts';
import type { Database } from './database.ts';
import { projectScoped } from './project-scoped.ts';
import { parseNullableObject, parseObject, toJson, toNullableJson } from './json-column.ts';
import { matching } from './revision.ts';
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
  revision: row.revision,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

export function registryStore(database: Database, table: CalleeKind, secrets: SecretSeal) {
  const { db } = database;
  /** `config` as stored: header values sealed, those sent as REDACTED kept from `stored`. */
  const sealed = (
    id: string,
    config: Record<string, unknown>,
    stored?: Record<string, unknown>,
  ): string =>
    toJson(
      sealHeaders(config, stored, (value, name) =>
        secrets.seal(value, headerSealContext(table, id, name)),
      ),
    );
  return {
    ...projectScoped(db, table, (rows) => rows.map(fromRow)),

    async create(tenantId: string, callee: CalleeRecord): Promise<void> {
      await db
        .insertInto(table)
        .values({
          ...callee,
          tenant_id: tenantId,
          config: sealed(callee.id, callee.config),
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
      expected?: Revisions,
    ): Promise<CalleeRecord | undefined> {
      const behaviour = ['kind', 'config', 'input_schema', 'output_schema', 'timeout_seconds'];
      const changesBehaviour = behaviour.some(
        (key) => patch[key as keyof CalleePatch] !== undefined,
      );
      const row = await database.write(async (trx) => {
        const current =
          patch.config === undefined
            ? undefined
            : await trx
                .selectFrom(table)
                .select(['kind', 'config'])
                .where('tenant_id', '=', tenantId)
                .where('id', '=', id)
                .executeTakeFirst();
        const stored =
          current === undefined ? undefined : { ...current, config: parseObject(current.config) };
        // Stored credentials are kept only while the calls still go where they went.
        const keep =
          stored !== undefined &&
          patch.config !== undefined &&
          sameDestination({ kind: patch.kind ?? stored.kind, config: patch.config }, stored);
        return trx
          .updateTable(table)
          .set((eb) => ({
            ...(patch.name === undefined ? {} : { name: patch.name }),
            ...(patch.kind === undefined ? {} : { kind: patch.kind }),
            ...(patch.config === undefined
              ? {}
              : {
                  config: sealed(id, patch.config, keep ? stored?.config : undefined),
                }),
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
            revision: eb('revision', '+', 1),
            updated_at: now,
          }))
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
          .returningAll()
          .executeTakeFirst();
      });
      return row === undefined ? undefined : fromRow(row);
    },

    /**
     * 'in_use' while a journey still names the agent; 'missing' also when its revision is not one
     * of `expected` (checked first: a stale `If-Match` is answered before the agent's use).
     */
    async remove(
      tenantId: string,
      id: string,
      expected?: Revisions,
    ): Promise<'deleted' | 'missing' | 'in_use'> {
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
              .$if(expected !== undefined, (q) =>
                q.where('revision', 'in', matching(expected ?? [])),
              )
              .executeTakeFirst();
            return own === undefined ? 'missing' : 'in_use';
          }
        }
        const deleted = await trx
          .deleteFrom(table)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .$if(expected !== undefined, (q) => q.where('revision', 'in', matching(expected ?? [])))
          .executeTakeFirst();
        return deleted.numDeletedRows > 0n ? 'deleted' : 'missing';
      });
    },
  };
}

export type RegistryStore = ReturnType<typeof registryStore>;

/**
 * Seals the header values of agents and tools still stored in clear (written before they were
 * sealed); run at start. Returns how many agents and tools it changed.
 */
export async function sealClearHeaders(database: Database, secrets: SecretSeal): Promise<number> {
  let changed = 0;
  for (const table of ['agents', 'tools'] as const) {
    await database.write(async (trx) => {
      const rows = await trx
        .selectFrom(table)
        .select(['id', 'config'])
        .where('config', 'like', '%"headers"%')
        .execute();
      for (const row of rows) {
        const config = parseObject(row.config);
        const values = Object.values(headersOf(config) ?? {});
        if (values.every((value) => typeof value === 'string' && secrets.isSealed(value))) continue;
        const resealed = sealHeaders(config, undefined, (value, name) =>
          secrets.isSealed(value)
            ? value
            : secrets.seal(value, headerSealContext(table, row.id, name)),
        );
        // Only over the configuration read: a change made meanwhile is sealed as it was written.
        await trx
          .updateTable(table)
          .set({ config: toJson(resealed) })
          .where('id', '=', row.id)
          .where('config', '=', row.config)
          .execute();
        changed++;
      }
    });
  }
  return changed;
}
