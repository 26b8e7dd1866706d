// Optimistic concurrency (ADR 45): a resource's `ETag` names its revision, and `If-Match` on a
// PATCH or DELETE becomes the revisions the store's write may replace. The store checks them in
// the write itself; when it changes nothing, one read tells a stale `If-Match` (412) from a
// missing resource (404).
import type { FastifyReply } from 'fastify';
import type { Revisions } from '../core/resources.ts';
import { ApiError, notFound } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers with an `ETag` (set by `withEtag`): the OpenAPI document says so. */
    etag?: boolean;
  }
}

/** The `ETag` response header as the OpenAPI document describes it. */
export const ETAG_HEADER = {
  ETag: {
    type: 'string',
    pattern: '^"[1-9][0-9]*"$',
    description:
      'Strong validator of the resource: its revision, which grows by one on every write. Send it back in If-Match to change or delete only this version.',
  },
} as const;

/** A strong validator: the revision grows by one on every write through the API. */
export const etagOf = (record: { readonly revision: number }): string => `"${record.revision}"`;

/** Sets the `ETag` of the resource the reply answers with. */
export function withEtag<T>(
  reply: FastifyReply,
  record: { readonly revision: number },
  body: T,
): T {
  void reply.header('etag', etagOf(record));
  return body;
}

/**
 * The revisions `If-Match` names, by strong comparison (a weak tag never matches, RFC 9110
 * section 13.1.1); undefined without the header or with `*` (any existing resource will do, and
 * a missing one is a 404 either way). A tag this server never handed out matches nothing.
 */
export function expectedRevisions(ifMatch: string | undefined): Revisions {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const revisions: number[] = [];
  for (const [, weak, tag] of ifMatch.matchAll(/(W\/)?"([^"]*)"/g))
    if (weak === undefined && tag !== undefined && /^[1-9]\d{0,14}$/.test(tag))
      revisions.push(Number(tag));
  return revisions;
}

export const preconditionFailed = (what: string): ApiError =>
  new ApiError(
    412,
    'precondition_failed',
    `The ${what} has changed since the version If-Match names; read it again for its current ETag.`,
  );

/**
 * For a route that reads the resource before writing it: a stale `If-Match` is answered before
 * the body is checked against what is stored. Only a shortcut: the write checks again.
 */
export function assertCurrent(
  expected: Revisions,
  record: { readonly revision: number },
  what: string,
): void {
  if (expected !== undefined && !expected.includes(record.revision)) throw preconditionFailed(what);
}

/**
 * After a conditional write that changed nothing: 412 when the resource is still there (so its
 * revision was not an expected one), else 404. Without a condition it is simply missing.
 */
export async function missingOrStale(
  expected: Revisions,
  current: () => Promise<unknown>,
  what: string,
): Promise<never> {
  if (expected !== undefined && (await current()) !== undefined) throw preconditionFailed(what);
  throw notFound(what);
}
