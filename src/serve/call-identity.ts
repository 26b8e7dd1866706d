// The worker's call identity (worker/call-identity.ts) for `rota serve`: on-behalf-of tokens
// signed with the installation's keys, minted from the owner's grant through Rota's own refresh.
import { GrantTokens } from '../auth/grant-tokens.ts';
import { OnBehalfOf } from '../auth/on-behalf-of.ts';
import { tokenParties } from '../auth/token-service.ts';
import type { Config } from '../config.ts';
import type { Database } from '../storage/database.ts';
import type { CallIdentity } from '../worker/call-identity.ts';
import type { Identity } from './identity.ts';

const DAY_MS = 24 * 3600 * 1000;

export function callIdentity(
  config: Config,
  database: Database,
  identity: Pick<Identity, 'box' | 'keys'>,
  now: () => number,
  newId: () => string,
): CallIdentity {
  const parties = tokenParties(config.publicUrl);
  const grants = new GrantTokens({
    database,
    box: identity.box,
    keys: identity.keys,
    ...parties,
    now,
    newId,
    grantTtlMs: config.grantTtlDays * DAY_MS,
  });
  return new OnBehalfOf({ database, keys: identity.keys, grants, issuer: parties.issuer, now });
}
