// Who is calling: the authentication port. The token verifier lives in src/auth and is handed in
// by main.ts as an Authenticator; this layer never imports it (lint), so the seam stays small.

import type { Principal } from '../core/principal.ts';

export type { Principal };

/** Verifies the `Authorization` header; null when it is missing or does not verify. */
export type Authenticator = (authorizationHeader: string | undefined) => Promise<Principal | null>;
