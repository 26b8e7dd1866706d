// The authorisation server's HTTP face: `POST /oauth/token` (RFC 6749: client credentials,
// authorisation code with PKCE, refresh token; clients authenticate by HTTP Basic or in the body,
// form-encoded or JSON) and the public keys at
// `/.well-known/jwks.json`. Errors are RFC 6749 section 5.2 JSON, never problem+json: OAuth
// clients parse these. The token service is handed in; this file knows only its shape. Token
// requests are rate limited per client id and per source address (ADR 17): a 429 with Retry-After
// and the error `slow_down` (RFC 8628's word for "poll less often", the nearest OAuth has).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenRequest, TokenResponse } from '../../core/token-request.ts';
import { FORM, parseForm, REPEATED } from '../form-body.ts';
import { TokenBuckets, type Rate } from '../rate-limit.ts';

export interface OAuthEndpoints {
  token(
    request: TokenRequest,
  ): Promise<
    | { readonly ok: true; readonly response: TokenResponse }
    | { readonly ok: false; readonly error: string; readonly description: string }
  >;
  jwks(): Promise<{ readonly keys: readonly object[] }>;
  /** Whether an error means the database is unreachable: answered 503 + Retry-After. */
  readonly isUnavailable?: (error: unknown) => boolean;
  /** Default DEFAULT_TOKEN_RATE_LIMITS. */
  readonly rateLimits?: TokenRateLimits;
}

export interface TokenRateLimits {
  /** Per `client_id` asked for, known or not: guessing one client's secret. */
  readonly perClientId: Rate;
  /** Per source address: many ids from one place. */
  readonly perAddress: Rate;
}

// A client needs a token an hour; these leave room for restarts and retries, not for guessing.
export const DEFAULT_TOKEN_RATE_LIMITS: TokenRateLimits = {
  perClientId: { burst: 10, perSecond: 1 / 6 },
  perAddress: { burst: 60, perSecond: 1 },
};

const RETRY_AFTER_SECONDS = 5;

const TOKEN_BODY_LIMIT = 16 * 1024;

/** Registers the routes in an encapsulated context: the form parser stays with them. */
export function registerOAuthRoutes(
  app: FastifyInstance,
  endpoints: OAuthEndpoints,
  now: () => number,
): void {
  const limits = endpoints.rateLimits ?? DEFAULT_TOKEN_RATE_LIMITS;
  const limiter: TokenLimiter = {
    clientIds: new TokenBuckets(limits.perClientId),
    addresses: new TokenBuckets(limits.perAddress),
    now,
  };
  // Fastify queues the plugin and loads it before the server is ready.
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, finish) =>
      finish(null, parseForm(body as string)),
    );
    // Anything but a form or JSON is kept as text and refused in the handler, in OAuth's words.
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, _body, finish) =>
      finish(null, UNSUPPORTED),
    );
    scope.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      if (endpoints.isUnavailable?.(error) === true) {
        request.log.warn({ err: error }, 'the database is unreachable');
        return noStore(reply).code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({
          error: 'temporarily_unavailable',
          error_description: 'the database is unreachable; try again shortly',
        });
      }
      if ((error.statusCode ?? 500) >= 500) throw error;
      return oauthError(reply, 400, 'invalid_request', error.message);
    });
    scope.post('/oauth/token', { bodyLimit: TOKEN_BODY_LIMIT }, (request, reply) =>
      token(endpoints, limiter, request, reply),
    );
    scope.get('/.well-known/jwks.json', async (_request, reply) => {
      const jwks = await endpoints.jwks();
      // Verifiers may cache the set briefly; a rotated key is published before it signs.
      return reply.header('cache-control', 'public, max-age=300').send(jwks);
    });
    done();
  });
}

const UNSUPPORTED = Symbol('unsupported body');
interface TokenLimiter {
  readonly clientIds: TokenBuckets;
  readonly addresses: TokenBuckets;
  readonly now: () => number;
}

async function token(
  endpoints: OAuthEndpoints,
  limiter: TokenLimiter,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const at = limiter.now();
  const addressWait = limiter.addresses.take(request.ip, at);
  if (addressWait > 0) return slowDown(reply, addressWait);
  const body = request.body;
  if (body === UNSUPPORTED || body === undefined || body === null || typeof body !== 'object')
    return oauthError(reply, 400, 'invalid_request', `send the parameters as ${FORM} or JSON`);
  const fields = body as Record<string, unknown>;
  const field = (name: string): string | undefined | typeof REPEATED => {
    const value = fields[name];
    if (value === REPEATED) return REPEATED;
    return typeof value === 'string' ? value : value === undefined ? undefined : REPEATED;
  };
  const names = [
    'grant_type',
    'client_id',
    'client_secret',
    'scope',
    'code',
    'redirect_uri',
    'code_verifier',
    'refresh_token',
  ] as const;
  const values = Object.fromEntries(names.map((name) => [name, field(name)]));
  const bad = names.find((name) => values[name] === REPEATED);
  if (bad !== undefined)
    return oauthError(reply, 400, 'invalid_request', `${bad} must be one string, given once`);
  const basic = basicCredentials(request.headers.authorization);
  if (basic === 'malformed')
    return oauthError(reply, 401, 'invalid_client', 'the Basic credentials are malformed', true);
  if (basic !== undefined && (values.client_id !== undefined || values.client_secret !== undefined))
    return oauthError(reply, 400, 'invalid_request', 'use one client authentication method');
  const clientId = basic?.clientId ?? (values.client_id as string | undefined);
  const clientWait = clientId === undefined ? 0 : limiter.clientIds.take(clientId, at);
  if (clientWait > 0) return slowDown(reply, clientWait);
  const outcome = await endpoints.token({
    grantType: values.grant_type as string | undefined,
    clientId,
    clientSecret: basic?.clientSecret ?? (values.client_secret as string | undefined),
    scope: values.scope as string | undefined,
    code: values.code as string | undefined,
    redirectUri: values.redirect_uri as string | undefined,
    codeVerifier: values.code_verifier as string | undefined,
    refreshToken: values.refresh_token as string | undefined,
    ip: request.ip,
  });
  if (!outcome.ok) {
    const unauthorised = outcome.error === 'invalid_client';
    return oauthError(
      reply,
      unauthorised ? 401 : 400,
      outcome.error,
      outcome.description,
      unauthorised,
    );
  }
  return noStore(reply).send(outcome.response);
}

/** RFC 6749 2.3.1: Basic credentials are form-encoded before base64. */
function basicCredentials(
  header: string | undefined,
): { clientId: string; clientSecret: string } | 'malformed' | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header);
  if (match?.[1] === undefined) return 'malformed';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'malformed';
  try {
    const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    return {
      clientId: decode(decoded.slice(0, colon)),
      clientSecret: decode(decoded.slice(colon + 1)),
    };
  } catch {
    return 'malformed';
  }
}

const noStore = (reply: FastifyReply) =>
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

function oauthError(
  reply: FastifyReply,
  status: 400 | 401,
  error: string,
  description: string,
  challenge = false,
) {
  if (challenge) reply.header('www-authenticate', 'Basic realm="rota", charset="UTF-8"');
  return noStore(reply).code(status).send({ error, error_description: description });
}

function slowDown(reply: FastifyReply, seconds: number) {
  return noStore(reply)
    .code(429)
    .header('retry-after', String(seconds))
    .send({
      error: 'slow_down',
      error_description: `too many token requests; retry in ${seconds} s`,
    });
}
