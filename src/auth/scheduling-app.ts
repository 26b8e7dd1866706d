// The tenant's scheduling app (SPEC section 7, seed 1 step 2): registering scheduling on behalf
// of users creates it, once. It is a confidential OAuth client whose only grants are
// `authorization_code` and `refresh_token` and whose only redirect URI is Rota's own callback;
// Rota itself is the client, so the secret is kept sealed (to authenticate at /oauth/token) as
// well as digested (to check it there like any client's).
import type { Database } from '../storage/database.ts';
import {
  ensureSchedulingAppRow,
  findSchedulingApp,
  registeredTenantIds,
  type SchedulingAppRow,
} from '../storage/scheduling-app-store.ts';
import { enableUserScheduling } from '../storage/tenant-store.ts';
import { newClientCredentials, secretDigest } from './client-credentials.ts';
import type { SecretBox } from './secret-box.ts';

export const SCHEDULING_APP_NAME = 'Rota scheduling';
export const SCHEDULING_APP_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
/** What the app asks a user for: the work a member does, never `admin`. */
export const SCHEDULING_APP_SCOPE = 'read write';

export type { SchedulingAppRow };

/** `ROTA_PUBLIC_URL/oauth/callback`, the app's one redirect URI. */
export const callbackUrl = (publicUrl: string): string =>
  `${publicUrl.replace(/\/+$/, '')}/oauth/callback`;

const sealContext = (clientId: string) => `oauth_clients:${clientId}:secret`;

export interface SchedulingAppContext {
  readonly database: Database;
  readonly box: SecretBox;
  readonly publicUrl: string;
  readonly now: () => number;
  readonly newId: () => string;
}

/** The tenant's app, created when missing (idempotent, safe to race). */
export async function ensureSchedulingApp(
  context: SchedulingAppContext,
  tenantId: string,
): Promise<SchedulingAppRow> {
  const existing = await findSchedulingApp(context.database, tenantId);
  const redirectUri = callbackUrl(context.publicUrl);
  if (existing?.redirect_uri === redirectUri) return existing;
  const { clientId, clientSecret } = newClientCredentials();
  const now = context.now();
  return ensureSchedulingAppRow(context.database, {
    id: context.newId(),
    tenant_id: tenantId,
    client_id: clientId,
    name: SCHEDULING_APP_NAME,
    role: 'member',
    secret_digest: secretDigest(clientSecret),
    secret_sealed: context.box.seal(clientSecret, sealContext(clientId)),
    grant_types: JSON.stringify(SCHEDULING_APP_GRANT_TYPES),
    redirect_uri: redirectUri,
    created_at: now,
    updated_at: now,
  });
}

/** Start-up: every tenant registered before the app existed gets one; how many were made. */
export async function ensureRegisteredApps(context: SchedulingAppContext): Promise<number> {
  let made = 0;
  for (const tenantId of await registeredTenantIds(context.database)) {
    const before = await findSchedulingApp(context.database, tenantId);
    await ensureSchedulingApp(context, tenantId);
    if (before === undefined) made += 1;
  }
  return made;
}

/** The app's secret, for Rota's own exchange at /oauth/token. */
export function appSecret(box: SecretBox, app: SchedulingAppRow): string {
  if (app.secret_sealed === null) throw new Error('the scheduling app has no sealed secret');
  return box.open(app.secret_sealed, sealContext(app.client_id));
}

/** Whether a client may use a grant type: machines only client credentials, the app its two. */
export function allowsGrantType(client: { readonly grant_types: string }, grantType: string) {
  const allowed: unknown = JSON.parse(client.grant_types);
  return Array.isArray(allowed) && allowed.includes(grantType);
}

/**
 * Seed 1 step 2, `POST /ai/api/v1/oauth_app/register`: scheduling on behalf of users is enabled
 * for the tenant (once; the first instant stays) and its scheduling app exists.
 */
export async function registerScheduling(
  context: SchedulingAppContext,
  tenantId: string,
  now: number,
): Promise<void> {
  await enableUserScheduling(context.database, tenantId, now);
  await ensureSchedulingApp(context, tenantId);
}
