// The Authorize popup's server side (SPEC section 7, seed 1 "Authorize"): an authorisation-code
// flow with PKCE (RFC 7636, S256 only) between a signed-in user and the tenant's scheduling app.
// Rota plays both parts: the start endpoint is the client (it makes the `state` and verifier and
// keeps them bound to the session), /oauth/authorize the authorisation server, and the callback
// the client again, exchanging the code with the verifier that never left the server.
import type {
  AuthorizeAnswer,
  AuthorizeCheck,
  AuthorizeParams,
  AuthorizeResult,
  AuthorizeStart,
  AuthorizingUser,
} from '../core/authorize-request.ts';
import { grantScopes } from '../core/principal.ts';
import { appendAudit } from '../storage/audit-log-store.ts';
import {
  findCode,
  insertAttempt,
  insertCode,
  pruneAuthorizations,
  takeAttempt,
} from '../storage/authorization-store.ts';
import { findClientByClientId } from '../storage/client-store.ts';
import { latestGrant } from '../storage/grant-store.ts';
import { findSchedulingApp } from '../storage/scheduling-app-store.ts';
import { userSchedulingEnabledAt } from '../storage/tenant-store.ts';
import { secretDigest } from './client-credentials.ts';
import type { CodeExchange } from './grant-tokens.ts';
import { isChallenge, newVerifier, randomValue, s256Challenge } from './pkce.ts';
import {
  appSecret,
  callbackUrl,
  ensureSchedulingApp,
  SCHEDULING_APP_SCOPE,
  type SchedulingAppContext,
} from './scheduling-app.ts';

/** How long the popup may stay open between start and callback. */
export const ATTEMPT_TTL_MS = 10 * 60_000;
/** How long a code lives between the consent page and the exchange (issue 13: 60 s). */
export const CODE_TTL_MS = 60_000;

export interface AuthorizeFlowOptions extends SchedulingAppContext {
  /** How long a grant made now lasts (ROTA_GRANT_TTL_DAYS). */
  readonly grantTtlMs: number;
  /** The token endpoint's code exchange, called exactly as `POST /oauth/token` calls it. */
  readonly exchange: (
    request: CodeExchange,
  ) => Promise<{ readonly ok: true } | { readonly ok: false; readonly description: string }>;
}

const attemptSeal = (stateDigest: string) => `authorization_attempts:${stateDigest}:verifier`;

export class AuthorizeFlow {
  readonly #o: AuthorizeFlowOptions;

  constructor(options: AuthorizeFlowOptions) {
    this.#o = options;
  }

  /** `GET /oauth/start`: a fresh attempt for this session, and the consent page's address. */
  async start(user: AuthorizingUser): Promise<AuthorizeStart> {
    const { database, box, now: clock } = this.#o;
    if ((await userSchedulingEnabledAt(database, user.tenantId)) === null)
      return { ok: false, code: 'scheduling_not_enabled' };
    const app = await ensureSchedulingApp(this.#o, user.tenantId);
    const now = clock();
    const state = randomValue('');
    const verifier = newVerifier();
    const stateDigest = secretDigest(state);
    await database.write(async (trx) => {
      await pruneAuthorizations(trx, now - ATTEMPT_TTL_MS);
      await insertAttempt(trx, {
        state_digest: stateDigest,
        tenant_id: user.tenantId,
        session_digest: user.sessionDigest,
        user_id: user.userId,
        verifier_sealed: box.seal(verifier, attemptSeal(stateDigest)),
        created_at: now,
        expires_at: now + ATTEMPT_TTL_MS,
        used_at: null,
      });
    });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: app.redirect_uri ?? callbackUrl(this.#o.publicUrl),
      scope: SCHEDULING_APP_SCOPE,
      state,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: 'S256',
    });
    return { ok: true, location: `/oauth/authorize?${query.toString()}` };
  }

  /** `GET /oauth/authorize`: whether the consent page may be shown, and what it says. */
  async check(user: AuthorizingUser, params: AuthorizeParams): Promise<AuthorizeCheck> {
    const client =
      params.client_id === undefined
        ? undefined
        : await findClientByClientId(this.#o.database, params.client_id);
    if (client?.kind === 'scheduling_app' && client.tenant_id !== user.tenantId)
      await this.#crossTenant(user, client.tenant_id, { kind: 'client', id: client.id });
    if (client?.kind !== 'scheduling_app' || client.tenant_id !== user.tenantId)
      return page(
        client === undefined
          ? 'The application asking for access is unknown.'
          : 'The application asking for access belongs to another organisation.',
      );
    if (params.redirect_uri === undefined || params.redirect_uri !== client.redirect_uri)
      return page('The redirect URI is not the one registered for this application.');
    const back = (error: string, description: string) =>
      redirectTo(client.redirect_uri!, { error, error_description: description }, params.state);
    if (params.response_type !== 'code')
      return back('unsupported_response_type', 'response_type must be code');
    if (params.code_challenge_method !== 'S256')
      return back('invalid_request', 'code_challenge_method must be S256');
    if (params.code_challenge === undefined || !isChallenge(params.code_challenge))
      return back('invalid_request', 'code_challenge must be a base64url SHA-256 digest');
    const scopes = grantScopes(params.scope ?? SCHEDULING_APP_SCOPE, 'member');
    if (!scopes.ok) return back('invalid_scope', 'the app may ask for read and write only');
    return {
      kind: 'consent',
      appName: client.name,
      clientId: client.client_id,
      redirectUri: client.redirect_uri,
      scopes: scopes.scopes,
      state: params.state,
      codeChallenge: params.code_challenge,
      grantExpiresAt: this.#o.now() + this.#o.grantTtlMs,
    };
  }

  /** `POST /oauth/authorize`: a single-use code for the app, or its `access_denied`. */
  async decide(
    user: AuthorizingUser,
    params: AuthorizeParams,
    approved: boolean,
  ): Promise<AuthorizeAnswer> {
    const consent = await this.check(user, params);
    if (consent.kind !== 'consent') return consent;
    if (!approved)
      return redirectTo(
        consent.redirectUri,
        { error: 'access_denied', error_description: 'the user declined' },
        consent.state,
      );
    const code = randomValue('');
    const now = this.#o.now();
    await insertCode(this.#o.database.db, {
      code_digest: secretDigest(code),
      tenant_id: user.tenantId,
      client_id: consent.clientId,
      user_id: user.userId,
      redirect_uri: consent.redirectUri,
      code_challenge: consent.codeChallenge,
      scope: consent.scopes.join(' '),
      created_at: now,
      expires_at: now + CODE_TTL_MS,
      used_at: null,
      grant_id: null,
    });
    return redirectTo(consent.redirectUri, { code }, consent.state);
  }

  /**
   * `GET /oauth/callback`: the attempt must be this session's, and the code this user's (a code
   * someone else obtained is never exchanged into this user's grant); then the code is exchanged
   * with the attempt's verifier, the app authenticating as any client does.
   */
  async callback(
    user: AuthorizingUser,
    query: { readonly state?: string; readonly code?: string; readonly error?: string },
  ): Promise<AuthorizeResult> {
    const { database, box, now: clock } = this.#o;
    if (query.state === undefined) return failed('The answer carries no state; start again.');
    const stateDigest = secretDigest(query.state);
    const attempt = await takeAttempt(database.db, stateDigest, clock());
    if (attempt === undefined)
      return failed('This authorisation has expired or was already used; start again.');
    if (attempt.session_digest !== user.sessionDigest || attempt.user_id !== user.userId)
      return failed('This authorisation was started in another session; start again.');
    if (query.error !== undefined)
      return failed(
        query.error === 'access_denied'
          ? 'Authorization was declined; Rota will not run your schedules for you.'
          : `Authorization failed (${query.error}); start again.`,
      );
    if (query.code === undefined) return failed('The answer carries no code; start again.');
    const code = await findCode(database.db, secretDigest(query.code));
    if (code !== undefined && code.tenant_id !== user.tenantId)
      await this.#crossTenant(user, code.tenant_id, { kind: 'user', id: code.user_id });
    if (code === undefined || code.user_id !== user.userId || code.tenant_id !== user.tenantId)
      return failed('This code was issued to someone else; start again.');
    const app = await findSchedulingApp(database, user.tenantId);
    if (app === undefined || app.client_id !== code.client_id)
      return failed('The scheduling app has changed since; start again.');
    const outcome = await this.#o.exchange({
      clientId: app.client_id,
      clientSecret: appSecret(box, app),
      code: query.code,
      redirectUri: code.redirect_uri,
      codeVerifier: box.open(attempt.verifier_sealed, attemptSeal(stateDigest)),
    });
    if (!outcome.ok) return failed(`Authorization failed: ${outcome.description}.`);
    const grant = await latestGrant(database.db, user.tenantId, user.userId);
    return { ok: true, expiresAt: grant?.expires_at ?? clock() + this.#o.grantTtlMs };
  }

  /** Told to the tenant whose app or code a person of another tenant tried to use. */
  async #crossTenant(
    user: AuthorizingUser,
    tenantId: string,
    target: { readonly kind: string; readonly id: string },
  ): Promise<void> {
    await appendAudit(
      this.#o.database.db,
      {
        actor: { tenantId, kind: 'user', id: user.userId, ip: null },
        action: 'access.cross_tenant_denied',
        target,
        outcome: 'denied',
        detail: { from_tenant: user.tenantId },
      },
      this.#o.now(),
    );
  }
}

const page = (description: string): AuthorizeAnswer => ({ kind: 'page', description });
const failed = (description: string): AuthorizeResult => ({ ok: false, description });

function redirectTo(
  redirectUri: string,
  fields: Record<string, string>,
  state: string | undefined,
): AuthorizeAnswer {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  if (state !== undefined) url.searchParams.set('state', state);
  return { kind: 'redirect', location: url.toString() };
}
