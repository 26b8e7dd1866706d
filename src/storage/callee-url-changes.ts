// Changes to where an agent or tool is called (SPEC section 7, issue 13): a run carries a token
// that acts for the schedule's owner to whatever URL its callee has, so moving that URL could send
// another person's token somewhere new. Every such change is audited with the new origin, and a
// schedule shows the recent ones of the callees it uses.
import type { AuditAction } from '../core/audit-actions.ts';
import type { CalleeRecord } from '../core/resources.ts';
import type { AuditRule } from './audited-store.ts';
import type { Database } from './database.ts';
import { parseNullableObject } from './json-column.ts';

/** Where a callee's config says it is called: its URL (http, mcp) or base URL (openai). */
function calleeUrl(config: unknown): string | null {
  if (typeof config !== 'object' || config === null) return null;
  const { url, base_url: baseUrl } = config as Record<string, unknown>;
  return typeof url === 'string' ? url : typeof baseUrl === 'string' ? baseUrl : null;
}

const originOf = (url: string | null): string | null => {
  if (url === null) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** update(tenantId, id, patch, …) of an agent or tool: audited, saying when its URL moved. */
export function calleeUpdateRule(
  kind: 'agent' | 'tool',
  get: (database: Database, tenantId: string, id: string) => Promise<CalleeRecord | undefined>,
): AuditRule {
  return {
    action: (): AuditAction => `${kind}.update`,
    target: (args, result) =>
      result === undefined || typeof result === 'string'
        ? undefined
        : { kind, id: args[1] as string },
    before: (database, args) => get(database, args[0] as string, args[1] as string),
    detail: (_args, result, before) => {
      const was = calleeUrl((before as CalleeRecord | undefined)?.config);
      const now = calleeUrl((result as CalleeRecord | undefined)?.config);
      return was === now ? undefined : { url_changed: true, origin: originOf(now) };
    },
  };
}

export interface CalleeUrlChange {
  readonly at: number;
  readonly callee: { readonly kind: string; readonly id: string };
  readonly by: { readonly kind: string; readonly id: string | null };
  readonly origin: string | null;
}

/** The latest URL changes of the agents a schedule's items use (through journeys and plans). */
export async function calleeUrlChanges(
  database: Database,
  tenantId: string,
  scheduleId: string,
  limit = 5,
): Promise<CalleeUrlChange[]> {
  const { db } = database;
  const items = db
    .selectFrom('schedule_items')
    .where('schedule_items.tenant_id', '=', tenantId)
    .where('schedule_items.schedule_id', '=', scheduleId);
  const direct = items
    .innerJoin('journeys', 'journeys.id', 'schedule_items.target_id')
    .where('schedule_items.target_kind', '=', 'journey')
    .select('journeys.agent_id as id');
  const planned = items
    .innerJoin('test_plan_journeys', 'test_plan_journeys.test_plan_id', 'schedule_items.target_id')
    .innerJoin('journeys', 'journeys.id', 'test_plan_journeys.journey_id')
    .where('schedule_items.target_kind', '=', 'test_plan')
    .select('journeys.agent_id as id');
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'actor_kind', 'actor_id', 'target_kind', 'target_id', 'detail'])
    .where('tenant_id', '=', tenantId)
    .where('action', '=', 'agent.update')
    .where('detail', 'like', '%"url_changed":true%')
    .where('target_id', 'in', direct.union(planned))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    at: row.at,
    callee: { kind: row.target_kind ?? 'agent', id: row.target_id ?? '' },
    by: { kind: row.actor_kind, id: row.actor_id },
    origin: (parseNullableObject(row.detail)?.origin as string | null | undefined) ?? null,
  }));
}
