// Who is calling: the authentication port. The token verifier lives in src/auth and is handed in
// by main.ts as an Authenticator; this layer never imports it (lint), so the seam stays small.

import type { Principal } from '../core/principal.ts';

export type { Principal };

/**
 * Verifies the `Authorization` header: the caller, or else the `WWW-Authenticate` challenge the
 * 401 carries (RFC 6750 section 3): `Bearer` alone when no credential was sent, `Bearer
 * error="invalid_token", error_description="…"` when the one sent does not verify.
 */
export type Authenticator = (
  authorizationHeader: string | undefined,
) => Promise<Principal | string>;
