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
  readonly service: TokenService;
}

export function identity(config: Config, database: Database, now: () => number) {
  const resolved = resolveSecretKey({
    configured: config.secretKey,
    sharedByReplicas: !database.coordination.singleProcess,
    dataDir: config.dataDir,
  });
  const box = new SecretBox(resolved.key);
  const keys = new SigningKeys({ database, box, now });
  return {
    box,
    keyFile: { path: resolved.file, generated: resolved.generated },
    service: new TokenService({ database, keys, ...tokenParties(config.publicUrl), now }),
  };
}

/** The identity, checked: keys sealed under another ROTA_SECRET_KEY stop the start here. */
export async function startIdentity(
  config: Config,
  database: Database,
  now: () => number,
  logger: Logger,
): Promise<Identity> {
  const tokens = identity(config, database, now);
  if (tokens.keyFile.generated)
    logger.warn(
      { file: tokens.keyFile.path },
      'ROTA_SECRET_KEY is unset: generated a key into the data directory; keep it with the database (and set ROTA_SECRET_KEY for PostgreSQL)',
    );
  await tokens.service.jwks();
  const resealed = await sealClearHeaders(database, tokens.box);
  if (resealed > 0)
    logger.info({ count: resealed }, 'sealed the header values of agents and tools kept in clear');
  return { box: tokens.box, service: tokens.service };
}
