// The audit trail's cursor (ADR 18): its entries sort by time, then id, newest first, so the
// cursor names both of the last entry shown — version 2 of ADR 14's cursor, decoded as strictly.
import { decodeCursorToken, encodeCursorToken } from '../core/cursor-token.ts';
import type { AuditEntryRecord, AuditPageRequest } from '../core/run-records.ts';
import { auditTime } from '../core/run-records.ts';
import { issue } from '../core/validation-issue.ts';
import { ApiError } from './problem.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const encodeAuditCursor = (at: number, id: string): string =>
  encodeCursorToken({ v: 2, at, after: id });

const bad = () =>
  new ApiError(
    400,
    'invalid_cursor',
    'This cursor was not issued by Rota; list again without it.',
    {
      errors: [issue('/cursor', 'invalid_cursor', 'Not a cursor Rota issued.')],
    },
  );

export function decodeAuditCursor(cursor: string): { at: number; id: string } {
  const value = decodeCursorToken(cursor);
  if (value === undefined) throw bad();
  const { v, at, after, ...rest } = value;
  if (
    v !== 2 ||
    !Number.isSafeInteger(at) ||
    typeof after !== 'string' ||
    !UUID.test(after) ||
    Object.keys(rest).length > 0
  )
    throw bad();
  // Only the spelling Rota issues decodes: no padding games, reordered keys or stray bits.
  if (encodeAuditCursor(at as number, after) !== cursor) throw bad();
  return { at: at as number, id: after };
}

export function auditPageRequest(query: {
  readonly limit: number;
  readonly cursor?: string | undefined;
}): AuditPageRequest {
  return {
    after: query.cursor === undefined ? undefined : decodeAuditCursor(query.cursor),
    limit: query.limit + 1,
  };
}

export function auditNextCursor(
  entries: readonly AuditEntryRecord[],
  request: AuditPageRequest,
): { shown: readonly AuditEntryRecord[]; next_cursor: string | null } {
  const limit = request.limit - 1;
  const shown = entries.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    shown,
    next_cursor:
      entries.length > limit && last !== undefined
        ? encodeAuditCursor(auditTime(last), last.id)
        : null,
  };
}
