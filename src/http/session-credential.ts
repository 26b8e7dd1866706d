// The session credential (SPEC section 7): a user's `rota_session` cookie, looked up through a
// port main.ts hands in (src/http never imports src/auth). A request with an unsafe method must
// carry `X-CSRF-Token` equal to the session's token; otherwise it is refused with 403 csrf_failed,
// so another site cannot make a signed-in browser write (SameSite=Lax already stops most).
import { timingSafeEqual } from 'node:crypto';
import { ROLE_SCOPES, type Role } from '../core/principal.ts';
import { readCookie, SESSION_COOKIE } from '../core/session-cookie.ts';
import type { CredentialKind } from './principal.ts';

/** What the credential needs of a signed-in user (auth/sessions.ts's SessionUser has it). */
export interface SessionIdentity {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly csrfToken: string;
}

/** The signed-in user of a `Cookie` header; undefined when none, unknown or expired. */
export type SessionLookup = (
  cookieHeader: string | undefined,
) => Promise<SessionIdentity | undefined>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const headerText = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join('; ') : value;

/** Whether `presented` equals `expected`, in time that does not depend on where they differ. */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionCredential(lookup: SessionLookup): CredentialKind {
  return {
    async verify(request) {
      const cookies = headerText(request.headers.cookie);
      if (readCookie(cookies, SESSION_COOKIE) === undefined) return undefined;
      const session = await lookup(cookies);
      if (session === undefined)
        return {
          refused: {
            status: 401,
            code: 'unauthenticated',
            detail: 'The session has ended or is unknown: sign in again.',
            challenge: 'Bearer',
          },
        };
      if (!SAFE_METHODS.has(request.method.toUpperCase())) {
        const presented = headerText(request.headers['x-csrf-token']);
        if (!tokensEqual(presented, session.csrfToken))
          return {
            refused: {
              status: 403,
              code: 'csrf_failed',
              detail: 'Send the session’s csrf_token in the X-CSRF-Token header.',
            },
          };
      }
      return {
        tenantId: session.tenantId,
        role: session.role,
        subject: session.userId,
        kind: 'user',
        scopes: ROLE_SCOPES[session.role],
      };
    },
  };
}
