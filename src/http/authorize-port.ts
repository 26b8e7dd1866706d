// What the Authorize popup's pages and `/api/v1/authorization` need, handed in by main.ts (http
// may not import auth): the session behind a cookie, sign-in, the flow's steps, and the
// authorisation's state.
import type { z } from 'zod';
import type { Authorization } from '../contract/authorization.ts';
import type {
  AuthorizeAnswer,
  AuthorizeCheck,
  AuthorizeParams,
  AuthorizeResult,
  AuthorizeStart,
  AuthorizingUser,
} from '../core/authorize-request.ts';
import type { AuditActor } from '../core/audit-actions.ts';

/** A signed-in browser, as a page sees it. */
export interface PageSession extends AuthorizingUser {
  readonly csrfToken: string;
}

export type PageSignIn =
  | { readonly ok: true; readonly setCookie: string }
  | {
      readonly ok: false;
      readonly code: 'invalid_credentials' | 'too_many_sign_ins';
      readonly retryAfterSeconds?: number | undefined;
    };

export interface AuthorizePages {
  /** ROTA_PUBLIC_URL: the origin the callback page posts its message to. */
  readonly publicUrl: string;
  /** Whether an error means the database is unreachable: a 503 page with Retry-After. */
  readonly isUnavailable?: (error: unknown) => boolean;
  session(cookieHeader: string | undefined): Promise<PageSession | undefined>;
  signIn(input: {
    readonly email: string;
    readonly password: string;
    readonly ip: string;
    readonly previousCookieHeader?: string | undefined;
  }): Promise<PageSignIn>;
  start(user: AuthorizingUser): Promise<AuthorizeStart>;
  check(user: AuthorizingUser, params: AuthorizeParams): Promise<AuthorizeCheck>;
  decide(
    user: AuthorizingUser,
    params: AuthorizeParams,
    approved: boolean,
  ): Promise<AuthorizeAnswer>;
  callback(
    user: AuthorizingUser,
    query: { readonly state?: string; readonly code?: string; readonly error?: string },
  ): Promise<AuthorizeResult>;
}

/** `GET|DELETE /api/v1/authorization`, for a user's session. */
export interface AuthorizationPort {
  status(tenantId: string, userId: string): Promise<z.infer<typeof Authorization>>;
  revoke(actor: AuditActor & { readonly id: string }): Promise<void>;
}
