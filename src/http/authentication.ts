// Every /api/v1 request carries a credential of one of the kinds handed in (a bearer token, a
// session); the first kind the request presents decides: a Principal, or a refusal (401 with
// WWW-Authenticate, RFC 6750; 403). Routes read the tenant from the principal only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditActor } from '../core/audit-actions.ts';
import { hasScope, type Scope } from '../core/principal.ts';
import { isRefusal, type CredentialKind, type Principal } from './principal.ts';
import { ApiError } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Runs the rest of a request as its actor, for the audit log (main.ts hands one in). */
export type ActorScope = (actor: AuditActor, next: () => void) => void;

export function registerAuthentication(
  app: FastifyInstance,
  credentials: readonly CredentialKind[],
  actorScope?: ActorScope,
): void {
  // A request that presented nothing is told every kind it could have sent.
  const challenge = credentials.flatMap((kind) => kind.challenge ?? []).join(', ') || 'Bearer';
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const principal = await authenticate(request, credentials);
    if (principal === undefined) throw unauthenticated(challenge);
    if (isRefusal(principal)) {
      const { status, code, detail, challenge: refusedWith } = principal.refused;
      throw new ApiError(status, code, detail, {
        ...(refusedWith === undefined ? {} : { headers: { 'www-authenticate': refusedWith } }),
      });
    }
    // A token narrowed to fewer scopes than its role allows does only what they cover: reading
    // needs `read`, every change `write` (admin routes also `admin`, in requireAdmin).
    const needed: Scope = request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
    if (!hasScope(principal, needed)) throw insufficientScope(needed);
    request.principal = principal;
  });
  if (actorScope === undefined) return;
  // A callback hook, so that what follows (the handler too) runs inside the scope.
  app.addHook('onRequest', (request, _reply, done) => {
    const principal = request.principal;
    if (principal === null) return done();
    const actor = {
      tenantId: principal.tenantId,
      kind: principal.kind,
      id: principal.subject,
      ip: request.ip,
    };
    actorScope(actor, done);
  });
}

async function authenticate(request: FastifyRequest, credentials: readonly CredentialKind[]) {
  for (const kind of credentials) {
    const verdict = await kind.verify(request);
    if (verdict !== undefined) return verdict;
  }
  return undefined;
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
