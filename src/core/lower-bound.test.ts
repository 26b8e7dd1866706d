import { expect, it } from 'vitest';
import fc from 'fast-check';
import { lowerBound } from './lower-bound.ts';

it('finds the first entry at or above the value, as a linear scan would', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -50, max: 50 })),
      fc.integer({ min: -60, max: 60 }),
      (list, value) => {
        const sorted = [...list].sort((a, b) => a - b);
        const expected = sorted.findIndex((x) => x >= value);
        expect(lowerBound(sorted, value)).toBe(expected === -1 ? sorted.length : expected);
      },
    ),
  );
});
