import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageOf, pageRequest } from './pagination.ts';
import { ApiError } from './problem.ts';

const ID = '0190a5f0-1234-7000-8000-00000000abcd';

const refused = (cursor: string) => {
  try {
    decodeCursor(cursor);
    return false;
  } catch (error) {
    return error instanceof ApiError && error.code === 'invalid_cursor' && error.status === 400;
  }
};

describe('cursors', () => {
  it('decode to the id they were made from', () => {
    expect(decodeCursor(encodeCursor(ID))).toBe(ID);
  });

  it('either refuse an altered cursor or decode it to a well-formed id, never to anything else', () => {
    // Cursors are validated, not signed (ADR 14): an edit inside the id can name another id.
    const cursor = encodeCursor(ID);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    fc.assert(
      fc.property(
        fc.nat({ max: cursor.length - 1 }),
        fc.constantFrom(...'AbZ9_-x+/='),
        (at, ch) => {
          const altered = `${cursor.slice(0, at)}${ch}${cursor.slice(at + 1)}`;
          if (refused(altered)) return true;
          return (
            uuid.test(decodeCursor(altered)) && encodeCursor(decodeCursor(altered)) === altered
          );
        },
      ),
    );
  });

  it('refuse anything but the canonical encoding of { v: 1, after: uuid }', () => {
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      '',
      '%%%',
      `${encodeCursor(ID)}=`,
      encode({ v: 1, after: ID, extra: true }),
      encode({ v: 2, after: ID }),
      encode({ v: 1, after: ID.toUpperCase() }),
      encode({ v: 1, after: "1' OR '1'='1" }),
      encode([1, ID]),
      Buffer.from('not json').toString('base64url'),
    ])
      expect(refused(bad), bad).toBe(true);
  });
});

describe('pages', () => {
  it('ask the store for one row more than the limit, and set next_cursor only when it came back', async () => {
    const request = pageRequest({ limit: 2 });
    expect(request).toEqual({ after: undefined, limit: 3 });
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(await pageOf(rows, request, (r) => r.id)).toEqual({
      data: ['a', 'b'],
      next_cursor: encodeCursor('b'),
    });
    expect(await pageOf(rows.slice(0, 2), request, (r) => r.id)).toEqual({
      data: ['a', 'b'],
      next_cursor: null,
    });
  });
});
