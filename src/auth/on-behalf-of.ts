// On-behalf-of tokens (SPEC section 7, issue 13 "Acting on behalf", ADR 49): for each call a run
// makes to an agent or tool, a short-lived JWT signed with Rota's keys (the same kid and JWKS as
// every Rota token) saying whom the call acts for (`sub`), that Rota is the actor (`act`, RFC 8693
// section 4.1) and where it may be used (`aud` = the callee's origin). A user's token is minted
// only after Rota exchanged the user's grant for an access token (grant-tokens.ts `accessFor`):
// a revoked, expired or missing grant fails the call with `authorization_failed`.
import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { actingParty, type ActingParty } from '../core/acting-party.ts';
import { authorizationFailedMessage, grantStatus } from '../core/grant-status.ts';
import type { Database } from '../storage/database.ts';
import { latestGrant } from '../storage/grant-store.ts';
import { runActingFacts } from '../storage/run-acting-store.ts';
import type { GrantTokens } from './grant-tokens.ts';
import { SIGNING_ALGORITHM, type SigningKey, type SigningKeys } from './signing-keys.ts';

/** The JOSE `typ` of on-behalf-of tokens: never confused with Rota's API access tokens. */
export const ON_BEHALF_OF_TYPE = 'obo+jwt';
/** The actor every on-behalf-of token names (RFC 8693 `act.sub`). */
export const ROTA_ACTOR = 'rota';
/** Minted per call, so a short life is enough; issue 13 caps it at 15 minutes. */
export const ON_BEHALF_OF_SECONDS = 5 * 60;
export const MAX_ON_BEHALF_OF_SECONDS = 15 * 60;
/** A cached grant access token is asked for again this long before it expires. */
const ACCESS_RENEW_MARGIN_MS = 60_000;

export interface OnBehalfOfOptions {
  readonly database: Database;
  readonly keys: SigningKeys;
  /** Rota's own refresh of a user's grant. */
  readonly grants: Pick<GrantTokens, 'accessFor'>;
  /** `iss`: ROTA_PUBLIC_URL without a trailing slash. */
  readonly issuer: string;
  readonly now: () => number;
  /** Default five minutes; at most fifteen. */
  readonly lifetimeSeconds?: number;
}

/** What a call is given: a bearer token, or why the run cannot act for anyone. */
export type OnBehalfOutcome =
  | { readonly ok: true; readonly bearer: string }
  | { readonly ok: false; readonly code: 'authorization_failed'; readonly message: string };

/** The claims of an on-behalf-of token (docs/authorization.md explains each). */
export interface OnBehalfClaims {
  readonly iss: string;
  readonly sub: string;
  readonly sub_kind: 'user' | 'client';
  readonly act: { readonly sub: typeof ROTA_ACTOR };
  readonly aud: string;
  readonly tenant: string;
  readonly run_id: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
}

interface CachedAccess {
  readonly userId: string;
  readonly expiresAt: number;
}

const failed = (message: string): OnBehalfOutcome => ({
  ok: false,
  code: 'authorization_failed',
  message,
});

export class OnBehalfOf {
  readonly #o: OnBehalfOfOptions;
  readonly #lifetime: number;
  /**
   * Grant access tokens by grant id, for their lifetime in this process: a refresh rotates the
   * grant's refresh token and writes the audit log, so not every call should make one. The
   * grant's state is still read on every call, so a revocation stops the next call at once.
   */
  readonly #access = new Map<string, CachedAccess>();
  readonly #refreshing = new Map<string, Promise<CachedAccess | string>>();

  constructor(options: OnBehalfOfOptions) {
    this.#o = options;
    this.#lifetime = Math.min(
      options.lifetimeSeconds ?? ON_BEHALF_OF_SECONDS,
      MAX_ON_BEHALF_OF_SECONDS,
    );
  }

  /** The bearer token for one call of run `run.id` to `calleeUrl`. */
  async onBehalfOf(run: { readonly id: string }, calleeUrl: string): Promise<OnBehalfOutcome> {
    let audience: string;
    try {
      audience = new URL(calleeUrl).origin;
    } catch {
      return failed(`The callee URL ${JSON.stringify(calleeUrl)} is not a URL.`);
    }
    const facts = await runActingFacts(this.#o.database, run.id);
    const party = facts === undefined ? undefined : actingParty(facts);
    if (party === undefined)
      return failed('Authorization failed: this run acts for nobody Rota can name.');
    // The key first: a first key is never created while a grant's refresh holds the writer.
    const key = await this.#o.keys.signingKey();
    if (party.kind === 'user') {
      const live = await this.#liveGrant(party);
      if (live !== true) return failed(live);
    }
    return { ok: true, bearer: await this.#mint(key, party, run.id, audience) };
  }

  /** True when the user's latest grant is live and exchanged; else the failure's message. */
  async #liveGrant(party: ActingParty): Promise<true | string> {
    const grant = await latestGrant(this.#o.database.db, party.tenantId, party.id);
    const status = grantStatus(grant, this.#o.now());
    if (grant === undefined || status !== 'active')
      return authorizationFailedMessage(status === 'active' ? 'none' : status, party.as);
    const cached = this.#access.get(grant.id);
    if (cached !== undefined && cached.expiresAt - ACCESS_RENEW_MARGIN_MS > this.#o.now())
      return cached.userId === party.id ? true : authorizationFailedMessage('none', party.as);
    // Concurrent calls for one grant share one refresh.
    let refreshing = this.#refreshing.get(grant.id);
    if (refreshing === undefined) {
      refreshing = this.#exchange(grant.id).finally(() => this.#refreshing.delete(grant.id));
      this.#refreshing.set(grant.id, refreshing);
    }
    const access = await refreshing;
    if (typeof access === 'string')
      return `${authorizationFailedMessage('revoked', party.as)} (${access})`;
    return access.userId === party.id ? true : authorizationFailedMessage('none', party.as);
  }

  async #exchange(grantId: string): Promise<CachedAccess | string> {
    const outcome = await this.#o.grants.accessFor(grantId);
    if (!outcome.ok) return outcome.description;
    // Only who it is for and until when are kept; the refresh token that came with it is dropped.
    const { sub } = decodeJwt(outcome.response.access_token);
    const access = {
      userId: String(sub),
      expiresAt: this.#o.now() + outcome.response.expires_in * 1000,
    };
    const now = this.#o.now();
    for (const [id, entry] of this.#access) if (entry.expiresAt <= now) this.#access.delete(id);
    this.#access.set(grantId, access);
    return access;
  }

  async #mint(
    key: SigningKey,
    party: ActingParty,
    runId: string,
    audience: string,
  ): Promise<string> {
    const issuedAt = Math.floor(this.#o.now() / 1000);
    return new SignJWT({
      sub_kind: party.kind,
      act: { sub: ROTA_ACTOR },
      tenant: party.tenantId,
      run_id: runId,
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: ON_BEHALF_OF_TYPE })
      .setIssuer(this.#o.issuer)
      .setSubject(party.id)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.#lifetime)
      .setJti(randomUUID())
      .sign(key.privateKey);
  }
}
