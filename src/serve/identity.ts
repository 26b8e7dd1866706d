// Identity for `rota serve`: the secret key (configured, or generated into the data directory on
// SQLite), the sealed signing keys, the token endpoint (machine clients' tokens, users' grants),
// the Authorize popup's flow and users' authorisations, checked at start.
import { AuthorizeFlow } from '../auth/authorize-flow.ts';
import { GrantTokens } from '../auth/grant-tokens.ts';
import { ensureRegisteredApps, registerScheduling } from '../auth/scheduling-app.ts';
import { SecretBox } from '../auth/secret-box.ts';
import { resolveSecretKey } from '../auth/secret-key.ts';
import { SigningKeys } from '../auth/signing-keys.ts';
import { tokenEndpoint, type TokenAnswer } from '../auth/token-endpoint.ts';
import { TokenService, tokenParties } from '../auth/token-service.ts';
import { userAuthorization, type UserAuthorization } from '../auth/user-authorization.ts';
import type { TokenRequest } from '../core/token-request.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Database } from '../storage/database.ts';
import { sealClearHeaders } from '../storage/registry-store.ts';

export interface Identity {
  readonly box: SecretBox;
  readonly keys: SigningKeys;
  readonly service: TokenService;
  readonly grants: GrantTokens;
  /** `POST /oauth/token`, every grant type. */
  readonly token: (request: TokenRequest) => Promise<TokenAnswer>;
  readonly flow: AuthorizeFlow;
  readonly authorization: UserAuthorization;
  /** Registration (seed 1 step 2) through `database` (a transaction's): enabled, app created. */
  readonly registerScheduling: (database: Database, tenantId: string, now: number) => Promise<void>;
}

const MS_PER_DAY = 86_400_000;

/** The identity, checked: keys sealed under another ROTA_SECRET_KEY stop the start here. */
export async function startIdentity(
  config: Config,
  database: Database,
  clock: { readonly now: () => number; readonly newId: () => string },
  logger: Logger,
): Promise<Identity> {
  const { now, newId } = clock;
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
  const parties = tokenParties(config.publicUrl);
  const service = new TokenService({ database, keys, ...parties, now });
  await service.jwks();
  const grantTtlMs = config.grantTtlDays * MS_PER_DAY;
  const grants = new GrantTokens({ database, box, keys, ...parties, now, newId, grantTtlMs });
  const token = tokenEndpoint(service, grants);
  const apps = { database, box, publicUrl: config.publicUrl, now, newId };
  const flow = new AuthorizeFlow({
    ...apps,
    grantTtlMs,
    exchange: (request) =>
      token({
        grantType: 'authorization_code',
        scope: undefined,
        refreshToken: undefined,
        ...request,
      }),
  });
  const migrated = await ensureRegisteredApps(apps);
  if (migrated > 0)
    logger.info({ count: migrated }, 'created the scheduling app of tenants registered before');
  const resealed = await sealClearHeaders(database, box);
  if (resealed > 0)
    logger.info({ count: resealed }, 'sealed the header values of agents and tools kept in clear');
  const authorization = userAuthorization({ database, publicUrl: config.publicUrl, now });
  return {
    box,
    keys,
    service,
    grants,
    token,
    flow,
    authorization,
    registerScheduling: (on, tenantId, at) =>
      registerScheduling({ ...apps, database: on }, tenantId, at),
  };
}
