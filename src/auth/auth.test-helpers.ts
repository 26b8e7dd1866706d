// An identity set-up on a given database, for tests: a secret key, the signing keys, the token
// service on a settable clock, a tenant and a client whose secret is known.
import { randomBytes } from 'node:crypto';
import type { Role } from '../core/principal.ts';
import type { Database } from '../storage/database.ts';
import { uuidv7 } from '../storage/new-id.ts';
import { ensureTenantNamed } from '../storage/tenant-store.ts';
import { createClient, type NewClient } from './clients.ts';
import { SecretBox } from './secret-box.ts';
import { parseSecretKey } from './secret-key.ts';
import { SigningKeys } from './signing-keys.ts';
import { TokenService, tokenParties } from './token-service.ts';

export const AUTH_T0 = Date.UTC(2027, 0, 4, 9, 0, 0);
export const PUBLIC_URL = 'https://rota.example.test';

/** A fresh random ROTA_SECRET_KEY, as hex. */
export const randomSecretKey = (): string => randomBytes(32).toString('hex');

export interface AuthFixture {
  readonly clock: { now: number };
  readonly keys: SigningKeys;
  readonly service: TokenService;
}

export function tokenServiceOn(
  database: Database,
  options: { readonly secretKey: string; readonly clock?: { now: number } },
): AuthFixture {
  const clock = options.clock ?? { now: AUTH_T0 };
  const box = new SecretBox(parseSecretKey(options.secretKey)!);
  const keys = new SigningKeys({ database, box, now: () => clock.now });
  const service = new TokenService({
    database,
    keys,
    ...tokenParties(PUBLIC_URL),
    now: () => clock.now,
  });
  return { clock, keys, service };
}

/** A client of the tenant called `tenant` (created if missing). */
export async function clientOf(
  database: Database,
  tenant: string,
  role: Role = 'member',
): Promise<NewClient> {
  const { id: tenantId } = await ensureTenantNamed(database, tenant, {
    id: uuidv7(AUTH_T0),
    now: AUTH_T0,
  });
  return createClient(database, {
    tenantId,
    role,
    name: `${tenant} ${role}`,
    id: uuidv7(AUTH_T0),
    now: AUTH_T0,
  });
}

/** A SecretBox under a fresh random key: what seals agents' credentials in tests. */
export const testSecretBox = (): SecretBox => new SecretBox(parseSecretKey(randomSecretKey())!);
