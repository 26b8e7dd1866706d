// The tenant's audit log (SPEC section 7): append-only, newest first, for admins.
import { z } from 'zod';
import { AUDIT_ACTIONS } from '../core/audit-actions.ts';
import { Instant, JsonObject, PageQuery } from './common.ts';

export const AuditLogQuery = PageQuery.extend({
  action: z.enum(AUDIT_ACTIONS).optional().describe('Only entries of this action.'),
  actor_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Only entries by this actor: a user’s id or a client’s `client_id`.'),
}).strict();

export const AuditLogEntry = z
  .object({
    id: z.string(),
    at: Instant,
    actor: z.object({
      kind: z.enum(['user', 'client', 'system', 'anonymous']),
      id: z.string().nullable(),
    }),
    action: z.enum(AUDIT_ACTIONS),
    target: z.object({ kind: z.string(), id: z.string() }).nullable(),
    outcome: z.enum(['success', 'failure', 'denied']),
    ip: z.string().nullable(),
    detail: JsonObject.nullable().describe('A few words more; never a secret.'),
  })
  .meta({ id: 'AuditLogEntry' });
