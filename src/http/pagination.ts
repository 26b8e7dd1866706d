// Cursor pagination in id order (ids are time-ordered UUIDv7). A cursor is base64url JSON naming
// the last id of the page; it is decoded strictly, so an altered one is a 400, never a query (ADR 14).
import { decodeCursorToken, encodeCursorToken } from '../core/cursor-token.ts';
import type { PageRequest } from '../core/resources.ts';
import { issue } from '../core/validation-issue.ts';
import { ApiError } from './problem.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const encodeCursor = (lastId: string): string => encodeCursorToken({ v: 1, after: lastId });

export function decodeCursor(cursor: string): string {
  const bad = () =>
    new ApiError(
      400,
      'invalid_cursor',
      'This cursor was not issued by Rota; list again without it.',
      {
        errors: [issue('/cursor', 'invalid_cursor', 'Not a cursor Rota issued.')],
      },
    );
  // Only the canonical spelling decodes: no padding games, no stray bits.
  const value = decodeCursorToken(cursor);
  if (value === undefined) throw bad();
  const { v, after, ...rest } = value;
  if (v !== 1 || typeof after !== 'string' || !UUID.test(after) || Object.keys(rest).length > 0)
    throw bad();
  if (encodeCursor(after) !== cursor) throw bad();
  return after;
}

/** The store request for a page: one row more than asked, to know whether another page follows. */
export function pageRequest(query: {
  readonly limit: number;
  readonly cursor?: string | undefined;
}): PageRequest {
  return {
    after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    limit: query.limit + 1,
  };
}

export async function pageOf<R extends { readonly id: string }, T>(
  rows: readonly R[],
  request: PageRequest,
  render: (row: R) => T | Promise<T>,
): Promise<{ data: T[]; next_cursor: string | null }> {
  const limit = request.limit - 1;
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    data: await Promise.all(shown.map(render)),
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null,
  };
}
