// Who is calling: the authentication port. A request may carry one of several kinds of credential
// (a machine client's bearer token today, a user's session cookie next); each kind is verified by
// code handed in by main.ts, which this layer never imports (lint), so the seam stays small.

import type { ErrorCode } from '../core/error-codes.ts';
import type { Principal } from '../core/principal.ts';

export type { Principal };

/** What authentication may look at: the request's method and headers (lower-case names). */
export interface PresentedRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A credential that was presented but is not accepted: the problem+json answer's parts. */
export interface Refusal {
  readonly refused: {
    readonly status: 401 | 403;
    readonly code: ErrorCode;
    readonly detail: string;
    /** `WWW-Authenticate` for a 401 (RFC 9110 section 11.6.1). */
    readonly challenge?: string;
  };
}

/** One kind of credential, e.g. `Authorization: Bearer …` or a session cookie. */
export interface CredentialKind {
  /** The challenge a 401 names when the request presented no credential at all (`Bearer`). */
  readonly challenge?: string;
  /** `undefined` when the request carries no credential of this kind; else who it is, or why not. */
  verify(request: PresentedRequest): Promise<Principal | Refusal | undefined>;
}

/**
 * Verifies an `Authorization` header: the caller, or else the `WWW-Authenticate` challenge the
 * 401 carries (RFC 6750 section 3): `Bearer` alone when no credential was sent, `Bearer
 * error="invalid_token", error_description="…"` when the one sent does not verify.
 */
export type BearerVerifier = (
  authorizationHeader: string | undefined,
) => Promise<Principal | string>;

/** The bearer-token kind over a verifier of `Authorization` headers. */
export function bearerCredential(verify: BearerVerifier): CredentialKind {
  return {
    challenge: 'Bearer',
    async verify(request) {
      const header = request.headers.authorization;
      if (header === undefined || header === '') return undefined;
      const verified = await verify(typeof header === 'string' ? header : header.join(', '));
      if (typeof verified !== 'string') return verified;
      return {
        refused: {
          status: 401,
          code: 'unauthenticated',
          detail: 'Send a valid bearer token in Authorization.',
          challenge: verified,
        },
      };
    },
  };
}

export const isRefusal = (verdict: Principal | Refusal): verdict is Refusal => 'refused' in verdict;
