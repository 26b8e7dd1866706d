// The tenant's audit log (SPEC section 7): entries are only ever inserted, in the same transaction
// as the change they record (pass that transaction as `executor`), and read newest first. Ids are
// UUIDv7, so their order is the order the entries were written in.
import type { Kysely, Selectable } from 'kysely';
import type { AuditAction, AuditLogEntry, NewAuditEntry } from '../core/audit-actions.ts';
import type { Database } from './database.ts';
import { parseNullableObject, toNullableJson } from './json-column.ts';
import { sequentialUuidv7 } from './new-id.ts';
import type { Schema } from './schema.ts';
import type { AuditLogTable } from './schema-identity.ts';

/** Writes one entry through `executor` (a write transaction, or the database itself). */
export async function appendAudit(
  executor: Kysely<Schema>,
  entry: NewAuditEntry,
  at: number,
): Promise<void> {
  await executor
    .insertInto('audit_log')
    .values({
      id: sequentialUuidv7(at),
      tenant_id: entry.actor.tenantId,
      at,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      action: entry.action,
      target_kind: entry.target?.kind ?? null,
      target_id: entry.target?.id ?? null,
      outcome: entry.outcome,
      ip: entry.actor.ip,
      detail: toNullableJson(entry.detail ?? null),
    })
    .execute();
}

export interface AuditLogQuery {
  readonly limit: number;
  /** The id of the last entry of the previous page: the page continues with older ones. */
  readonly before?: string;
  readonly action?: AuditAction;
  /** A user's id or a client's public id. */
  readonly actorId?: string;
}

const entryFromRow = (row: Selectable<AuditLogTable>): AuditLogEntry => ({
  id: row.id,
  at: row.at,
  actor: { kind: row.actor_kind, id: row.actor_id },
  action: row.action as AuditAction,
  target:
    row.target_kind === null || row.target_id === null
      ? null
      : { kind: row.target_kind, id: row.target_id },
  outcome: row.outcome,
  ip: row.ip,
  detail: parseNullableObject(row.detail),
});

export function auditLogStore(database: Database) {
  return {
    append: (entry: NewAuditEntry, at: number): Promise<void> =>
      appendAudit(database.db, entry, at),
    /** One page of a tenant's entries, newest first; one more than `limit` tells of a next page. */
    async list(tenantId: string, query: AuditLogQuery): Promise<AuditLogEntry[]> {
      let select = database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('tenant_id', '=', tenantId);
      if (query.before !== undefined) select = select.where('id', '<', query.before);
      if (query.action !== undefined) select = select.where('action', '=', query.action);
      if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
      const rows = await select
        .orderBy('id', 'desc')
        .limit(query.limit + 1)
        .execute();
      return rows.map(entryFromRow);
    },
  };
}

export type AuditLogStore = ReturnType<typeof auditLogStore>;
