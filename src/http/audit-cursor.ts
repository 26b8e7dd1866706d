// The audit trail's cursor (ADR 18): its entries sort by time, then id, newest first, so the
// cursor names both of the last entry shown — version 2 of ADR 14's cursor, decoded as strictly.
import type { AuditEntryRecord, AuditPageRequest } from '../core/run-records.ts';
import { auditTime } from '../core/run-records.ts';
import { issue } from '../core/validation-issue.ts';
import { ApiError } from './problem.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const encodeAuditCursor = (at: number, id: string): string =>
  Buffer.from(JSON.stringify({ v: 2, at, after: id })).toString('base64url');

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
  if (!BASE64URL.test(cursor)) throw bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad();
  const { v, at, after, ...rest } = value as Record<string, unknown>;
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
