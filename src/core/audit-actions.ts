// The tenant's audit log (SPEC section 7): append-only, one entry per security-relevant act, each
// `{ id, at, actor: { kind, id }, action, target: { kind, id }, outcome, ip }`. Actions are
// `noun.verb`; the list is closed so that filters and docs name only what is written.

export const AUDIT_ACTIONS = [
  'session.sign_in',
  'session.sign_out',
  'token.issue',
  'client.create',
  'client.delete',
  'user.create',
  'user.update',
  'user.delete',
  'registration.register',
  'grant.create',
  'grant.refresh',
  'grant.revoke',
  'grant.expire',
  'grant.reuse_detected',
  'schedule.create',
  'schedule.update',
  'schedule.delete',
  'schedule.pause',
  'schedule_item.create',
  'schedule_item.update',
  'schedule_item.delete',
  'project.create',
  'project.update',
  'project.delete',
  'agent.create',
  'agent.update',
  'agent.delete',
  'tool.create',
  'tool.update',
  'tool.delete',
  'journey.create',
  'journey.update',
  'journey.delete',
  'test_plan.create',
  'test_plan.update',
  'test_plan.delete',
  'tenant.update',
  'access.cross_tenant_denied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const isAuditAction = (value: unknown): value is AuditAction =>
  typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);

/** Who acted: a user, a machine client, Rota itself (the scheduler's automatic pause), or nobody known (a failed sign-in). */
export const AuditActorKind = {
  user: 'user',
  client: 'client',
  system: 'system',
  anonymous: 'anonymous',
} as const;
export type AuditActorKind = (typeof AuditActorKind)[keyof typeof AuditActorKind];

export const AuditOutcome = { success: 'success', failure: 'failure', denied: 'denied' } as const;
export type AuditOutcome = (typeof AuditOutcome)[keyof typeof AuditOutcome];

/** Who did it and from where: what a request (or the scheduler) hands to every audited write. */
export interface AuditActor {
  readonly tenantId: string;
  readonly kind: AuditActorKind;
  /** A user's id, a client's public id; null for the system and for anonymous callers. */
  readonly id: string | null;
  readonly ip: string | null;
}

/** One entry as written: the actor's facts plus what happened. */
export interface NewAuditEntry {
  readonly actor: AuditActor;
  readonly action: AuditAction;
  readonly target: { readonly kind: string; readonly id: string } | null;
  readonly outcome: AuditOutcome;
  /** A few words more (never a secret): e.g. the email a failed sign-in named. */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** An entry as read back (`GET /api/v1/audit`). */
export interface AuditLogEntry {
  readonly id: string;
  readonly at: number;
  readonly actor: { readonly kind: AuditActorKind; readonly id: string | null };
  readonly action: AuditAction;
  readonly target: { readonly kind: string; readonly id: string } | null;
  readonly outcome: AuditOutcome;
  readonly ip: string | null;
  readonly detail: Readonly<Record<string, unknown>> | null;
}

/** The system actor of a tenant: what the scheduler's own acts are recorded under. */
export const systemActor = (tenantId: string): AuditActor => ({
  tenantId,
  kind: 'system',
  id: null,
  ip: null,
});
