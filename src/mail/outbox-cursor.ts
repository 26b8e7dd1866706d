// The outbox's `cursor`: an opaque token for "after this digest" (its creation time and id), so
// pages stay stable while new digests arrive; spelled like every cursor (core/cursor-token.ts).
import { decodeCursorToken, encodeCursorToken } from '../core/cursor-token.ts';
import type { DigestCursor } from '../core/digest-records.ts';

const ID = /^[0-9a-zA-Z-]{1,64}$/;

export const encodeOutboxCursor = (cursor: DigestCursor): string =>
  encodeCursorToken({ v: 1, at: cursor.createdAt, after: cursor.id });

/** The cursor a token names, or undefined when it is not one this service handed out. */
export function decodeOutboxCursor(token: string): DigestCursor | undefined {
  const value = decodeCursorToken(token);
  if (value === undefined) return undefined;
  const { v, at, after, ...rest } = value;
  if (v !== 1 || !Number.isSafeInteger(at) || (at as number) < 0) return undefined;
  if (typeof after !== 'string' || !ID.test(after) || Object.keys(rest).length > 0)
    return undefined;
  const cursor = { createdAt: at as number, id: after };
  // Fields in another order spell another token: only the one handed out decodes.
  return encodeOutboxCursor(cursor) === token ? cursor : undefined;
}

/** A `cursor` that is not one this service handed out: the API answers 400. */
export class InvalidOutboxCursor extends Error {
  readonly code = 'invalid_cursor';
  readonly field = '/cursor';
  constructor() {
    super('cursor is not a value a previous page returned as next_cursor.');
    this.name = 'InvalidOutboxCursor';
  }
}
