// Every /api/v1 request carries a bearer credential; the Authenticator handed in turns it into a
// Principal or refuses it with the challenge to send (401 + WWW-Authenticate, RFC 6750). Routes
// read the tenant from the principal only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasScope, type Scope } from '../core/principal.ts';
import type { Authenticator, Principal } from './principal.ts';
import { ApiError } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function registerAuthentication(app: FastifyInstance, authenticate: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const principal = await authenticate(request.headers.authorization);
    if (typeof principal === 'string') throw unauthenticated(principal);
    // A token narrowed to fewer scopes than its role allows does only what they cover: reading
    // needs `read`, every change `write` (admin routes also `admin`, in requireAdmin).
    const needed: Scope = request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
    if (!hasScope(principal, needed)) throw insufficientScope(needed);
    request.principal = principal;
  });
}

const insufficientScope = (scope: Scope): ApiError =>
  new ApiError(403, 'insufficient_scope', `This token lacks the \`${scope}\` scope.`, {
    headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${scope}"` },
  });

export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw unauthenticated('Bearer');
  return request.principal;
}

const unauthenticated = (challenge: string): ApiError =>
  new ApiError(401, 'unauthenticated', 'Send a valid bearer token in Authorization.', {
    headers: { 'www-authenticate': challenge },
  });

/** For admin-only routes (clients, users, the tenant's settings): 403 for members. */
export function requireAdmin(request: FastifyRequest): Principal {
  const principal = principalOf(request);
  if (principal.role !== 'admin')
    throw new ApiError(403, 'forbidden', 'Only a tenant admin may do this.');
  if (!hasScope(principal, 'admin')) throw insufficientScope('admin');
  return principal;
}

/**
 * The admin guard as a route's onRequest hook: the role is checked before the body is, so a
 * member learns nothing about what an admin route would accept (403 whatever the body).
 */
export const adminOnly = (request: FastifyRequest): Promise<void> => {
  requireAdmin(request);
  return Promise.resolve();
};
