// Access tokens for machine clients (SPEC section 7): the client-credentials grant mints a JWT
// signed with the installation's key; verification pins everything a token could try to
// choose for itself (RFC 8725): the algorithm, the key (by a known `kid` only), the header
// parameters, the type, the issuer, the audience, and required `exp` and `iat`. A deleted client's
// tokens stop verifying at once, because every verification looks the client up.
import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWK } from 'jose';
import { grantScopes, isRole, parseScopeClaim, type Principal } from '../core/principal.ts';
import { appendAudit } from '../storage/audit-log-store.ts';
import { findClientByClientId } from '../storage/client-store.ts';
import type { Database } from '../storage/database.ts';
import { secretMatches } from './client-credentials.ts';
import { oauthFailure, type OAuthFailure } from './oauth-errors.ts';
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.ts';
import type { TokenRequest, TokenResponse } from '../core/token-request.ts';

/** RFC 9068: the media type of JWT access tokens, checked on the way in. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** SPEC section 7 caps a token's life at one hour. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;
const CLOCK_TOLERANCE_SECONDS = 30;
/** The only header parameters Rota writes, so the only ones it reads (no jku, x5u, jwk, x5c, crit). */
const ALLOWED_HEADER_PARAMETERS = new Set(['alg', 'kid', 'typ']);
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'jti', 'client_id', 'tenant', 'scope', 'role'];

export type TokenOutcome =
  | { readonly ok: true; readonly response: TokenResponse }
  | OAuthFailure<
      | 'invalid_request'
      | 'invalid_client'
      | 'unsupported_grant_type'
      | 'invalid_scope'
      | 'unauthorized_client'
    >;

/** Why a token was refused: for logs and tests; callers answer every one with 401. */
export type TokenRejection =
  | 'malformed'
  | 'forbidden_header'
  | 'algorithm'
  | 'unknown_key'
  | 'signature'
  | 'expired'
  | 'claims'
  | 'revoked';

export type VerifiedToken =
  | { readonly ok: true; readonly principal: Principal }
  | (OAuthFailure<'invalid_token'> & { readonly reason: TokenRejection });

export interface TokenServiceOptions {
  readonly database: Database;
  readonly keys: SigningKeys;
  /** `iss`: ROTA_PUBLIC_URL. */
  readonly issuer: string;
  /** `aud`: the API these tokens are for. */
  readonly audience: string;
  readonly now: () => number;
  /** Default and upper bound: one hour. */
  readonly lifetimeSeconds?: number;
}

/** The issuer and audience Rota uses for ROTA_PUBLIC_URL. */
export function tokenParties(publicUrl: string): { issuer: string; audience: string } {
  const issuer = publicUrl.replace(/\/+$/, '');
  return { issuer, audience: `${issuer}/api` };
}

/** Tokens whose signature and claims verified, kept so a token's next request skips the crypto. */
const VERIFIED_CACHE_SIZE = 10_000;

export class TokenService {
  readonly #options: TokenServiceOptions;
  readonly #lifetime: number;
  /**
   * Verified payloads by the exact token text. A hit skips only the signature check (most of a
   * request's cost): expiry is checked again, and the client is looked up every time, so a
   * deleted client's tokens still stop verifying at once.
   */
  readonly #verified = new Map<
    string,
    { readonly kid: string; readonly payload: Record<string, unknown> }
  >();

  constructor(options: TokenServiceOptions) {
    this.#options = options;
    this.#lifetime = Math.min(
      options.lifetimeSeconds ?? MAX_TOKEN_LIFETIME_SECONDS,
      MAX_TOKEN_LIFETIME_SECONDS,
    );
  }

  /** `POST /oauth/token`: only the client-credentials grant (RFC 6749 section 4.4). */
  async token(request: TokenRequest): Promise<TokenOutcome> {
    if (request.grantType === undefined || request.grantType === '')
      return oauthFailure('invalid_request', 'grant_type is required');
    if (request.grantType !== 'client_credentials')
      return oauthFailure(
        'unsupported_grant_type',
        `grant_type ${printable(request.grantType)} is not supported; use client_credentials, authorization_code or refresh_token`,
      );
    if (request.clientId === undefined || request.clientSecret === undefined)
      return oauthFailure('invalid_client', 'client authentication is required');
    return this.issueClientToken(request.clientId, request.clientSecret, request.scope, request.ip);
  }

  async issueClientToken(
    clientId: string,
    clientSecret: string,
    scope?: string,
    ip?: string,
  ): Promise<TokenOutcome> {
    const client = await findClientByClientId(this.#options.database, clientId);
    if (!secretMatches(clientSecret, client?.secret_digest) || client === undefined)
      return oauthFailure('invalid_client', 'client authentication failed');
    // The scheduling app acts only for users who authorised it, never as itself.
    if (client.kind !== 'machine')
      return oauthFailure('unauthorized_client', 'this client may not use client_credentials');
    const granted = grantScopes(scope, client.role);
    if (!granted.ok)
      return oauthFailure(
        'invalid_scope',
        `scope not allowed: ${[...granted.unknown, ...granted.denied].map(printable).join(' ')}`,
      );
    const key = await this.#options.keys.signingKey();
    const issuedAt = Math.floor(this.#options.now() / 1000);
    const scopeClaim = granted.scopes.join(' ');
    const accessToken = await new SignJWT({
      client_id: client.client_id,
      tenant: client.tenant_id,
      scope: scopeClaim,
      role: client.role,
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.#options.issuer)
      .setAudience(this.#options.audience)
      .setSubject(client.client_id)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.#lifetime)
      .setJti(randomUUID())
      .sign(key.privateKey);
    await appendAudit(
      this.#options.database.db,
      {
        actor: { tenantId: client.tenant_id, kind: 'client', id: client.client_id, ip: ip ?? null },
        action: 'token.issue',
        target: { kind: 'client', id: client.id },
        outcome: 'success',
        detail: { scope: scopeClaim },
      },
      this.#options.now(),
    );
    return {
      ok: true,
      response: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: this.#lifetime,
        scope: scopeClaim,
      },
    };
  }

  async verifyAccessToken(token: string): Promise<VerifiedToken> {
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return rejected('malformed', 'the token is not a signed JWT');
    }
    const extra = Object.keys(header).filter((name) => !ALLOWED_HEADER_PARAMETERS.has(name));
    if (extra.length > 0)
      return rejected('forbidden_header', `header parameters not accepted: ${extra.join(', ')}`);
    if (header.alg !== SIGNING_ALGORITHM)
      return rejected('algorithm', `only ${SIGNING_ALGORITHM} tokens are accepted`);
    const key =
      typeof header.kid === 'string'
        ? await this.#options.keys.verificationKey(header.kid)
        : undefined;
    if (key === undefined) return rejected('unknown_key', 'the token names no key Rota signs with');
    const cached = this.#verified.get(token);
    let payload: Record<string, unknown>;
    if (cached !== undefined && cached.kid === header.kid) {
      if (this.#expired(cached.payload)) {
        this.#verified.delete(token);
        return rejected('expired', 'the token has expired');
      }
      payload = cached.payload;
    } else
      try {
        ({ payload } = await jwtVerify(token, key, {
          algorithms: [SIGNING_ALGORITHM],
          issuer: this.#options.issuer,
          audience: this.#options.audience,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: REQUIRED_CLAIMS,
          maxTokenAge: MAX_TOKEN_LIFETIME_SECONDS,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(this.#options.now()),
        }));
        this.#remember(token, header.kid as string, payload);
      } catch (error) {
        return rejectedBy(error);
      }
    const scopes = parseScopeClaim(payload.scope);
    const { sub, tenant, role, iat, exp } = payload;
    if (
      scopes === undefined ||
      !isRole(role) ||
      typeof sub !== 'string' ||
      typeof tenant !== 'string' ||
      payload.client_id !== sub ||
      typeof iat !== 'number' ||
      typeof exp !== 'number' ||
      exp - iat > MAX_TOKEN_LIFETIME_SECONDS
    )
      return rejected('claims', 'the claims are not those of a Rota access token');
    const client = await findClientByClientId(this.#options.database, sub);
    if (
      client === undefined ||
      client.kind !== 'machine' ||
      client.tenant_id !== tenant ||
      client.role !== role
    )
      return rejected('revoked', 'the client of this token was deleted or changed');
    return {
      ok: true,
      principal: { tenantId: tenant, role, subject: sub, kind: 'client', scopes },
    };
  }

  /**
   * Turns an `Authorization` header into a principal, or into the 401 answer's parts
   * (RFC 6750): `wwwAuthenticate` is the header value to send.
   */
  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization ?? '');
    if (authorization === undefined || authorization === '')
      return { ok: false, wwwAuthenticate: 'Bearer', description: 'a bearer token is required' };
    if (match?.[1] === undefined)
      return challenge('invalid_request', 'the Authorization header is not "Bearer <token>"');
    const verified = await this.verifyAccessToken(match[1]);
    return verified.ok
      ? verified
      : challenge('invalid_token', verified.description, verified.reason);
  }

  jwks(): Promise<{ keys: JWK[] }> {
    return this.#options.keys.jwks();
  }

  /** Past `exp`, or older than a token may live, as jwtVerify judges it (with its tolerance). */
  #expired(payload: Record<string, unknown>): boolean {
    const now = this.#options.now() / 1000;
    const { exp, iat } = payload;
    return (
      typeof exp !== 'number' ||
      typeof iat !== 'number' ||
      now - CLOCK_TOLERANCE_SECONDS >= exp ||
      now - iat - CLOCK_TOLERANCE_SECONDS > MAX_TOKEN_LIFETIME_SECONDS
    );
  }

  #remember(token: string, kid: string, payload: Record<string, unknown>): void {
    if (this.#verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(token, { kid, payload });
  }
}

export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      readonly wwwAuthenticate: string;
      readonly description: string;
      readonly reason?: TokenRejection;
    };

function challenge(
  error: 'invalid_request' | 'invalid_token',
  description: string,
  reason?: TokenRejection,
): Authentication {
  return {
    ok: false,
    wwwAuthenticate: `Bearer error="${error}", error_description="${description.replace(/["\\]/g, '')}"`,
    description,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Echoes a caller's value only when it is plainly a name: error_description allows no quotes. */
const printable = (value: string): string =>
  /^[A-Za-z0-9:._-]{1,64}$/.test(value) ? value : '(a value that is not a name)';

const rejected = (reason: TokenRejection, description: string): VerifiedToken => ({
  ...oauthFailure('invalid_token', description),
  reason,
});

function rejectedBy(error: unknown): VerifiedToken {
  if (error instanceof errors.JWTExpired) return rejected('expired', 'the token has expired');
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return rejected('signature', 'the signature does not verify');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return rejected('algorithm', `only ${SIGNING_ALGORITHM} tokens are accepted`);
  if (error instanceof errors.JWTClaimValidationFailed)
    return rejected('claims', `the "${error.claim}" claim is not valid`);
  return rejected('malformed', 'the token is not a valid JWT');
}
