// Who is calling: the authentication port. The token verifier lives in src/auth and is handed in
// by main.ts as an Authenticator; this layer never imports it (lint), so the seam stays small.

export interface Principal {
  /** The tenant every query is scoped by; it comes from the credential only. */
  readonly tenantId: string;
  readonly role: 'admin' | 'member';
  /** The client id or user id. */
  readonly subject: string;
  readonly kind: 'client' | 'user';
  readonly scopes: readonly string[];
}

/** Verifies the `Authorization` header; null when it is missing or does not verify. */
export type Authenticator = (authorizationHeader: string | undefined) => Promise<Principal | null>;
