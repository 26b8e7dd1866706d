// Machine identity for `rota serve`: the secret key (configured, or generated into the data
// directory on SQLite), the sealed signing keys and the token service, checked at start.
import { SecretBox } from '../auth/secret-box.ts';
import { resolveSecretKey } from '../auth/secret-key.ts';
import { SigningKeys } from '../auth/signing-keys.ts';
import { TokenService, tokenParties } from '../auth/token-service.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../storage/database.ts';
import { sealClearHeaders } from '../storage/registry-store.ts';

export interface Identity {
  readonly box: SecretBox;
  /** The installation's signing keys: the API's tokens and the worker's on-behalf-of tokens. */
  readonly keys: SigningKeys;
  readonly service: TokenService;
}

/** The identity, checked: keys sealed under another ROTA_SECRET_KEY stop the start here. */
export async function startIdentity(
  config: Config,
  database: Database,
  now: () => number,
  logger: Logger,
): Promise<Identity> {
  const resolved = resolveSecretKey({
    configured: config.secretKey,
    sharedByReplicas: !database.coordination.singleProcess,
    dataDir: config.dataDir,
  });
  if (resolved.generated)
    logger.warn(
      { file: resolved.file },
      'ROTA_SECRET_KEY is unset: generated a key into the data directory; keep it with the database (and set ROTA_SECRET_KEY for PostgreSQL)',
    );
  const box = new SecretBox(resolved.key);
  const keys = new SigningKeys({ database, box, now });
  const service = new TokenService({ database, keys, ...tokenParties(config.publicUrl), now });
  await service.jwks();
  const resealed = await sealClearHeaders(database, box);
  if (resealed > 0)
    logger.info({ count: resealed }, 'sealed the header values of agents and tools kept in clear');
  return { box, keys, service };
}
