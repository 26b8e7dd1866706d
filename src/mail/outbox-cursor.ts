// The outbox's `cursor`: an opaque token for "after this digest" (its creation time and id), so
// pages stay stable while new digests arrive.
import type { DigestCursor } from '../core/digest-records.ts';

export const encodeOutboxCursor = (cursor: DigestCursor): string =>
  Buffer.from(`${cursor.createdAt}:${cursor.id}`, 'utf8').toString('base64url');

/** The cursor a token names, or undefined when it is not one this service handed out. */
export function decodeOutboxCursor(token: string): DigestCursor | undefined {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const match = /^(\d{1,16}):([0-9a-zA-Z-]{1,64})$/.exec(text);
  if (match === null) return undefined;
  return { createdAt: Number(match[1]), id: match[2] as string };
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
