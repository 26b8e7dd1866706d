// Every store the REST API uses, over one database: what main.ts hands to the HTTP layer.
import type { SecretSeal } from '../core/callee-config.ts';
import { auditLogStore } from './audit-log-store.ts';
import { calleeUrlChanges } from './callee-url-changes.ts';
import type { Database } from './database.ts';
import { isDatabaseUnavailable, isReferenceGone } from './database-unavailable.ts';
import { idempotencyStore } from './idempotency-store.ts';
import { journeyStore } from './journey-store.ts';
import { projectStore } from './project-store.ts';
import { runAdminStore } from './run-admin-store.ts';
import { registryStore } from './registry-store.ts';
import { scheduleAdminStore } from './schedule-admin-store.ts';
import { enableUserScheduling, userSchedulingEnabledAt } from './tenant-store.ts';
import { ownerName } from './user-store.ts';
import { scheduleAuditStore } from './ticks/audit-trail.ts';
import { tenantBudgetStore } from './tenant-budget-store.ts';
import { testPlanStore } from './test-plan-store.ts';

export function apiStores(database: Database, secrets: SecretSeal) {
  return {
    projects: projectStore(database),
    agents: registryStore(database, 'agents', secrets),
    tools: registryStore(database, 'tools', secrets),
    journeys: journeyStore(database),
    testPlans: testPlanStore(database),
    schedules: {
      ...scheduleAdminStore(database),
      ownerName: (
        tenantId: string,
        owner: { readonly kind: 'client' | 'user'; readonly id: string },
      ) => ownerName(database.db, tenantId, owner),
      calleeChanges: (tenantId: string, scheduleId: string) =>
        calleeUrlChanges(database, tenantId, scheduleId),
    },
    idempotency: idempotencyStore(database),
    tenants: {
      enableUserScheduling: (tenantId: string, now: number) =>
        enableUserScheduling(database, tenantId, now),
      userSchedulingEnabledAt: (tenantId: string) => userSchedulingEnabledAt(database, tenantId),
    },
    audit: scheduleAuditStore(database),
    auditLog: auditLogStore(database),
    runs: runAdminStore(database),
    tenantBudget: tenantBudgetStore(database),
    isUnavailable: isDatabaseUnavailable,
    isReferenceGone,
  };
}
