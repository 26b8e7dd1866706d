// The worker's call identity (worker/call-identity.ts) for `rota serve`: on-behalf-of tokens
// signed with the installation's keys, minted after the owner's grant was exchanged through
// Rota's own refresh (the identity's one GrantTokens, shared with the token endpoint).
import { OnBehalfOf } from '../auth/on-behalf-of.ts';
import { tokenParties } from '../auth/token-service.ts';
import type { Config } from '../config.ts';
import type { Database } from '../storage/database.ts';
import type { CallIdentity } from '../worker/call-identity.ts';
import type { Identity } from './identity.ts';

export function callIdentity(
  config: Config,
  database: Database,
  identity: Pick<Identity, 'keys' | 'grants'>,
  now: () => number,
): CallIdentity {
  const { issuer } = tokenParties(config.publicUrl);
  return new OnBehalfOf({ database, keys: identity.keys, grants: identity.grants, issuer, now });
}
