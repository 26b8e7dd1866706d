// What the session and user routes need, declared by their user (ARCHITECTURE habit 2): main.ts
// hands in auth/sessions.ts's SessionService and auth/users.ts's UserAdmin.
import type { AuditActor } from '../core/audit-actions.ts';
import type { Role } from '../core/principal.ts';
import type { UserRecord } from '../core/resources.ts';
import type { SessionIdentity } from './session-credential.ts';

export interface SessionPortUser extends SessionIdentity {
  readonly email: string;
  readonly name: string;
}

export type SignInAnswer =
  | { ok: true; user: SessionPortUser; setCookie: string }
  | { ok: false; code: 'invalid_credentials' | 'too_many_sign_ins'; retryAfterSeconds?: number };

export interface SessionPort {
  signIn(input: {
    email: string;
    password: string;
    ip: string;
    tenant?: string;
    previousCookieHeader?: string;
  }): Promise<SignInAnswer>;
  fromCookieHeader(cookieHeader: string | undefined): Promise<SessionPortUser | undefined>;
  signOut(cookieHeader: string | undefined, ip: string): Promise<void>;
  clearCookie(): string;
}

export interface UsersPort {
  list(tenantId: string): Promise<UserRecord[]>;
  get(tenantId: string, id: string): Promise<UserRecord | undefined>;
  create(
    actor: AuditActor,
    request: {
      readonly email: string;
      readonly name?: string | undefined;
      readonly role: Role;
      readonly password?: string | undefined;
    },
  ): Promise<
    { readonly user: UserRecord; readonly generatedPassword: string | undefined } | 'email_taken'
  >;
  update(
    actor: AuditActor,
    id: string,
    patch: {
      readonly email?: string | undefined;
      readonly name?: string | undefined;
      readonly role?: Role | undefined;
      readonly password?: string | undefined;
    },
  ): Promise<UserRecord | 'email_taken' | 'last_admin' | undefined>;
  remove(actor: AuditActor, id: string): Promise<'deleted' | 'missing' | 'last_admin'>;
}
