import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursorToken, encodeCursorToken } from './cursor-token.ts';

const fields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.oneof(fc.string({ maxLength: 40 }), fc.integer()),
  { maxKeys: 4 },
);

describe('cursor tokens', () => {
  it('decode to the fields they were made from, whatever the text', () => {
    fc.assert(
      fc.property(fields, (value) => {
        expect(decodeCursorToken(encodeCursorToken(value))).toEqual(value);
      }),
    );
  });

  it('are unpadded base64url, so they travel in a query string as they are', () => {
    fc.assert(
      fc.property(fields, (value) => {
        expect(encodeCursorToken(value)).toMatch(/^[A-Za-z0-9_-]*$/);
      }),
    );
  });

  it('refuse anything but the exact spelling an encoding gives', () => {
    const token = encodeCursorToken({ v: 1, after: 'x' });
    const base64 = (text: string) => btoa(text).replace(/=+$/, '');
    for (const bad of [
      '',
      '%%%',
      `${token}=`,
      `${token.slice(0, 4)}+${token.slice(5)}`,
      base64('{"v": 1,"after":"x"}'),
      base64('[1,2]'),
      base64('not json'),
      base64('null'),
    ])
      expect(decodeCursorToken(bad), bad).toBeUndefined();
  });
});
