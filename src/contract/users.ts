// Users and sessions (SPEC section 7): a tenant's local accounts, which admins manage, and the
// session a person signs in to. A password appears in an answer once: when Rota generated it.
import { z } from 'zod';
import { Id, Instant, Name, Timestamps } from './common.ts';

export const UserRole = z.enum(['admin', 'member']);
export const Email = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .meta({ format: 'email' });
const Password = z.string().min(8).max(1024);

export const SessionCreate = z
  .object({
    email: z.string().max(254),
    password: z.string().max(1024),
    tenant: z
      .string()
      .max(200)
      .optional()
      .describe('The tenant, by name, when the email is a user of several; default the oldest.'),
  })
  .strict()
  .meta({ id: 'SessionCreate' });

export const Session = z
  .object({
    user: z.object({ id: Id, email: z.string(), role: UserRole, tenant_id: Id }),
    csrf_token: z
      .string()
      .describe('Send it as `X-CSRF-Token` with every unsafe request of this session.'),
  })
  .meta({ id: 'Session' });

export const User = z
  .object({
    id: Id,
    email: z.string(),
    name: z.string(),
    role: UserRole,
    tenant_id: Id,
    last_sign_in_at: Instant.nullable(),
    ...Timestamps,
  })
  .meta({ id: 'User' });

export const UserCreate = z
  .object({
    email: Email,
    name: Name.optional().describe('What reads show as the owner’s name; default the email’s.'),
    role: UserRole.default('member'),
    password: Password.optional().describe('At least 8 characters; generated when omitted.'),
  })
  .strict()
  .meta({ id: 'UserCreate' });

export const UserCreated = User.extend({
  password: z
    .string()
    .optional()
    .describe('The generated password, in this answer only; absent when one was given.'),
}).meta({ id: 'UserCreated' });

export const UserUpdate = z
  .object({
    email: Email,
    name: Name,
    role: UserRole.describe('Demoting an admin ends their sessions, grants and schedules.'),
    password: Password.describe('A new password ends the user’s sessions.'),
  })
  .partial()
  .strict()
  .meta({ id: 'UserUpdate' });
