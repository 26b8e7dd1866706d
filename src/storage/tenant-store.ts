// Tenants. A fresh installation gets one, "default", so that a single team can use Rota
// without creating anything first; the API issue adds the rest.
import { DEFAULT_DAILY_AGENT_BUDGET } from '../core/tenant-day.ts';
import type { Database } from './database.ts';

export const DEFAULT_TENANT_NAME = 'default';

export interface DefaultTenant {
  readonly id: string;
  readonly created: boolean;
}

/** Creates the default tenant unless any tenant exists; safe to race (the name is unique). */
export async function ensureDefaultTenant(
  database: Database,
  candidate: { readonly id: string; readonly now: number },
): Promise<DefaultTenant> {
  const existing = await database.db
    .selectFrom('tenants')
    .select('id')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (existing !== undefined) return { id: existing.id, created: false };
  return ensureTenantNamed(database, DEFAULT_TENANT_NAME, candidate);
}

/** The tenant called `name`, created (with `candidate.id`) when missing; safe to race. */
export async function ensureTenantNamed(
  database: Database,
  name: string,
  candidate: { readonly id: string; readonly now: number },
): Promise<DefaultTenant> {
  const inserted = await database.db
    .insertInto('tenants')
    .values({
      id: candidate.id,
      name,
      timezone: 'UTC',
      daily_agent_budget: DEFAULT_DAILY_AGENT_BUDGET,
      created_at: candidate.now,
      updated_at: candidate.now,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted !== undefined) return { id: inserted.id, created: true };
  const existing = await database.db
    .selectFrom('tenants')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/**
 * Enables scheduling on behalf of users for the tenant (seed 1 step 2); registering again keeps
 * the first time. False when there is no such tenant.
 */
export async function enableUserScheduling(
  database: Database,
  tenantId: string,
  now: number,
): Promise<boolean> {
  const updated = await database.db
    .updateTable('tenants')
    .set((eb) => ({
      user_scheduling_enabled_at: eb.fn.coalesce('user_scheduling_enabled_at', eb.val(now)),
      updated_at: now,
    }))
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return updated.numUpdatedRows > 0n;
}

/** When scheduling on behalf of users was registered for the tenant; null: not yet (or no tenant). */
export async function userSchedulingEnabledAt(
  database: Database,
  tenantId: string,
): Promise<number | null> {
  const row = await database.db
    .selectFrom('tenants')
    .select('user_scheduling_enabled_at')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  return row?.user_scheduling_enabled_at ?? null;
}
