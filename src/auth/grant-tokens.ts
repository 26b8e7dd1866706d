// The two grants of users' authorisations at `POST /oauth/token` (RFC 6749 sections 4.1 and 6):
// the scheduling app exchanges a code from the Authorize popup for a grant — a refresh token
// bound to the user, sealed so Rota's worker can use it, and an expiry fixed at creation — and
// later refreshes it. Codes are single-use: a replayed code revokes the grant it issued. Refresh
// tokens rotate: an already-rotated one presented again revokes its whole grant (RFC 9700
// section 4.14.2). Every refresh locks the grant's row, so concurrent refreshes of one grant take
// turns, across processes on PostgreSQL too.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { systemActor } from '../core/audit-actions.ts';
import type { TokenResponse } from '../core/token-request.ts';
import { appendAudit } from '../storage/audit-log-store.ts';
import { findCode, markCodeUsed, setCodeGrant } from '../storage/authorization-store.ts';
import { findClientByClientId, type ClientRow } from '../storage/client-store.ts';
import type { Database } from '../storage/database.ts';
import {
  holderRole,
  insertGrant,
  lockGrant,
  revokeGrant,
  revokeUserGrants,
  rotateRefresh,
  type GrantRow,
} from '../storage/grant-store.ts';
import { secretDigest, secretMatches } from './client-credentials.ts';
import { oauthFailure, type OAuthFailure } from './oauth-errors.ts';
import { verifierMatches } from './pkce.ts';
import { allowsGrantType } from './scheduling-app.ts';
import type { SecretBox } from './secret-box.ts';
import { SIGNING_ALGORITHM, type SigningKey, type SigningKeys } from './signing-keys.ts';
import { ACCESS_TOKEN_TYPE } from './token-service.ts';

const REFRESH_PREFIX = 'rrt_';
/** Access tokens from a grant are short: the worker asks again rather than keep one long. */
export const GRANT_ACCESS_TOKEN_SECONDS = 15 * 60;

export interface GrantTokensOptions {
  readonly database: Database;
  readonly box: SecretBox;
  readonly keys: SigningKeys;
  readonly issuer: string;
  readonly audience: string;
  readonly now: () => number;
  readonly newId: () => string;
  /** How long a new grant lasts (ROTA_GRANT_TTL_DAYS). */
  readonly grantTtlMs: number;
}

export type GrantOutcome =
  | { readonly ok: true; readonly response: TokenResponse; readonly grantId: string }
  | OAuthFailure<'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client'>;

export interface CodeExchange {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly code: string | undefined;
  readonly redirectUri: string | undefined;
  readonly codeVerifier: string | undefined;
}

export interface RefreshRequest {
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly refreshToken: string | undefined;
}

const sealContext = (grantId: string) => `grants:${grantId}:refresh`;
const grantIdOf = (refreshToken: string): string | undefined =>
  refreshToken.startsWith(REFRESH_PREFIX)
    ? refreshToken.slice(REFRESH_PREFIX.length).split('.')[0]
    : undefined;

export class GrantTokens {
  readonly #o: GrantTokensOptions;

  constructor(options: GrantTokensOptions) {
    this.#o = options;
  }

  /** `grant_type=authorization_code` with `code_verifier` (PKCE S256 only). */
  async exchangeCode(request: CodeExchange): Promise<GrantOutcome> {
    const { code, redirectUri, codeVerifier } = request;
    if (code === undefined || redirectUri === undefined || codeVerifier === undefined)
      return oauthFailure('invalid_request', 'code, redirect_uri and code_verifier are required');
    const client = await this.#client(request, 'authorization_code');
    if (!client.ok) return client;
    const { database, now: clock } = this.#o;
    const now = clock();
    const digest = secretDigest(code);
    // The key first: on SQLite, making it inside the write would wait on this very write.
    const key = await this.#o.keys.signingKey();
    return database.write(async (trx): Promise<GrantOutcome> => {
      const row = await findCode(trx, digest);
      if (row === undefined) return oauthFailure('invalid_grant', 'the code is not valid');
      if (!(await markCodeUsed(trx, digest, now))) {
        // A replayed code: whatever it issued is revoked (RFC 6749 section 4.1.2).
        if (row.grant_id !== null)
          await revokeReused(trx, { id: row.grant_id, tenantId: row.tenant_id }, 'code_reuse', now);
        return oauthFailure('invalid_grant', 'the code has already been used');
      }
      if (
        row.expires_at <= now ||
        row.client_id !== client.row.client_id ||
        row.redirect_uri !== redirectUri ||
        !verifierMatches(codeVerifier, row.code_challenge)
      )
        return oauthFailure(
          'invalid_grant',
          'the code is expired, or was issued to another client, redirect URI or verifier',
        );
      const role = await holderRole(trx, row.tenant_id, row.user_id);
      if (role === undefined) return oauthFailure('invalid_grant', 'the user no longer exists');
      // Re-authorising makes a new grant; the one before ends.
      await revokeUserGrants(trx, row.tenant_id, row.user_id, 'replaced', now);
      const grantId = this.#o.newId();
      const refreshToken = newRefreshToken(grantId);
      const grant = {
        id: grantId,
        tenant_id: row.tenant_id,
        user_id: row.user_id,
        client_id: client.row.client_id,
        scopes: row.scope,
        status: 'active' as const,
        expires_at: now + this.#o.grantTtlMs,
        refresh_digest: secretDigest(refreshToken),
        refresh_sealed: this.#o.box.seal(refreshToken, sealContext(grantId)),
        refreshed_at: null,
        revoked_at: null,
        revoked_reason: null,
        created_at: now,
        updated_at: now,
      };
      await insertGrant(trx, grant);
      await setCodeGrant(trx, digest, grantId);
      await appendAudit(
        trx,
        {
          actor: { tenantId: row.tenant_id, kind: 'user', id: row.user_id, ip: null },
          action: 'grant.create',
          target: { kind: 'grant', id: grantId },
          outcome: 'success',
          detail: { scopes: row.scope, expires_at: new Date(grant.expires_at).toISOString() },
        },
        now,
      );
      return this.#issued({ ...grant, refresh_generation: 0 }, role, refreshToken, now, key);
    });
  }

  /** `grant_type=refresh_token`: rotates the refresh token; the grant's expiry stays. */
  async refresh(request: RefreshRequest): Promise<GrantOutcome> {
    if (request.refreshToken === undefined)
      return oauthFailure('invalid_request', 'refresh_token is required');
    const client = await this.#client(request, 'refresh_token');
    if (!client.ok) return client;
    const grantId = grantIdOf(request.refreshToken);
    if (grantId === undefined)
      return oauthFailure('invalid_grant', 'the refresh token is not valid');
    const presented = request.refreshToken;
    return this.#rotate(grantId, (grant) =>
      grant.client_id !== client.row.client_id
        ? 'foreign'
        : secretDigest(presented) === grant.refresh_digest
          ? 'current'
          : 'reused',
    );
  }

  /**
   * Rota's own refresh, for the worker: the user's grant is exchanged (and rotated) with the
   * refresh token kept sealed, for an access token that says who the runs act for.
   */
  async accessFor(grantId: string): Promise<GrantOutcome> {
    return this.#rotate(grantId, () => 'current');
  }

  async #rotate(
    grantId: string,
    judge: (grant: GrantRow) => 'current' | 'reused' | 'foreign',
  ): Promise<GrantOutcome> {
    const { database, now: clock } = this.#o;
    const now = clock();
    const key = await this.#o.keys.signingKey();
    return database.write(async (trx): Promise<GrantOutcome> => {
      const grant = await lockGrant(database, trx, grantId);
      if (grant === undefined)
        return oauthFailure('invalid_grant', 'the refresh token is not valid');
      const verdict = judge(grant);
      if (verdict === 'foreign')
        return oauthFailure('invalid_grant', 'the refresh token was issued to another client');
      if (grant.status !== 'active')
        return oauthFailure('invalid_grant', 'the grant has been revoked');
      if (verdict === 'reused') {
        await revokeReused(trx, { id: grant.id, tenantId: grant.tenant_id }, 'refresh_reuse', now);
        return oauthFailure(
          'invalid_grant',
          'this refresh token was already used; the grant is revoked (authorise again)',
        );
      }
      if (grant.expires_at <= now) return oauthFailure('invalid_grant', 'the grant has expired');
      const role = await holderRole(trx, grant.tenant_id, grant.user_id);
      if (role === undefined) return oauthFailure('invalid_grant', 'the user no longer exists');
      const refreshToken = newRefreshToken(grant.id);
      await rotateRefresh(
        trx,
        grant.id,
        {
          digest: secretDigest(refreshToken),
          sealed: this.#o.box.seal(refreshToken, sealContext(grant.id)),
        },
        now,
      );
      await appendAudit(
        trx,
        {
          actor: systemActor(grant.tenant_id),
          action: 'grant.refresh',
          target: { kind: 'grant', id: grant.id },
          outcome: 'success',
        },
        now,
      );
      return this.#issued(grant, role, refreshToken, now, key);
    });
  }

  async #client(
    request: { readonly clientId: string | undefined; readonly clientSecret: string | undefined },
    grantType: string,
  ): Promise<
    | { readonly ok: true; readonly row: ClientRow }
    | OAuthFailure<'invalid_client' | 'unauthorized_client'>
  > {
    if (request.clientId === undefined || request.clientSecret === undefined)
      return oauthFailure('invalid_client', 'client authentication is required');
    const row = await findClientByClientId(this.#o.database, request.clientId);
    if (!secretMatches(request.clientSecret, row?.secret_digest) || row === undefined)
      return oauthFailure('invalid_client', 'client authentication failed');
    if (!allowsGrantType(row, grantType))
      return oauthFailure('unauthorized_client', `this client may not use ${grantType}`);
    return { ok: true, row };
  }

  async #issued(
    grant: GrantRow,
    role: string,
    refreshToken: string,
    now: number,
    key: SigningKey,
  ): Promise<GrantOutcome> {
    const issuedAt = Math.floor(now / 1000);
    // Not accepted by the REST API (its bearer tokens are machine clients'): it says who Rota
    // acts for, and the on-behalf-of tokens agents receive are minted from it.
    const accessToken = await new SignJWT({
      client_id: grant.client_id,
      tenant: grant.tenant_id,
      scope: grant.scopes,
      role,
      grant_id: grant.id,
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.#o.issuer)
      .setAudience(`${this.#o.audience}/grants`)
      .setSubject(grant.user_id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + GRANT_ACCESS_TOKEN_SECONDS)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return {
      ok: true,
      grantId: grant.id,
      response: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: GRANT_ACCESS_TOKEN_SECONDS,
        scope: grant.scopes,
        refresh_token: refreshToken,
      },
    };
  }
}

/** A replayed code or rotated refresh token: the grant is revoked, and that is audited. */
async function revokeReused(
  trx: Parameters<typeof revokeGrant>[0],
  grant: { readonly id: string; readonly tenantId: string },
  reason: 'code_reuse' | 'refresh_reuse',
  now: number,
): Promise<void> {
  if (!(await revokeGrant(trx, grant.id, reason, now))) return;
  await appendAudit(
    trx,
    {
      actor: systemActor(grant.tenantId),
      action: 'grant.reuse_detected',
      target: { kind: 'grant', id: grant.id },
      outcome: 'denied',
      detail: { reason },
    },
    now,
  );
}

const newRefreshToken = (grantId: string): string =>
  `${REFRESH_PREFIX}${grantId}.${randomBytes(32).toString('base64url')}`;
