// The problems an /api/v1 operation can answer whatever its handler does, worked out once from
// what the operation takes, so the OpenAPI document lists them for every operation alike: any
// call can lack a valid token (401) or the scope (403), be rate limited (429), carry too large a
// header block (431) or meet the database away (503); a call with a body can send one that is not
// JSON, too large or of another media type (400, 413, 415); a call whose headers, query or body
// are validated can fail that validation (400).
import type { FastifySchema, RouteOptions } from 'fastify';
import type { Scope } from '../core/principal.ts';
import { adminOnly } from './authentication.ts';

const EVERY_CALL = [401, 403, 429, 431, 503] as const;
const WITH_BODY = [400, 413, 415] as const;

export function implicitProblems(
  method: string | readonly string[],
  url: string,
  schema: FastifySchema,
): number[] {
  if (!url.startsWith('/api/v1/')) return [];
  const methods = typeof method === 'string' ? [method] : method;
  const statuses = new Set<number>(EVERY_CALL);
  if (methods.some((m) => ['POST', 'PATCH', 'PUT'].includes(m)))
    for (const status of WITH_BODY) statuses.add(status);
  if (schema.body !== undefined || schema.querystring !== undefined || schema.headers !== undefined)
    statuses.add(400);
  return [...statuses];
}

/** Whether a route is for tenant admins only (its onRequest guard is adminOnly). */
const isAdminRoute = (route: Pick<RouteOptions, 'onRequest'>): boolean =>
  route.onRequest === adminOnly ||
  (Array.isArray(route.onRequest) && route.onRequest.includes(adminOnly));

/**
 * The scopes a token needs for an operation (authentication.ts): `read` to read, `write` for
 * every change, and `admin` too on admin routes, as OpenAPI's bearer security requirement.
 */
export function requiredScopes(route: Pick<RouteOptions, 'method' | 'onRequest'>): Scope[] {
  const methods = typeof route.method === 'string' ? [route.method] : route.method;
  const reads = methods.every((m) => m === 'GET' || m === 'HEAD');
  return [...(isAdminRoute(route) ? (['admin'] as const) : []), reads ? 'read' : 'write'];
}
