import { describe, expect, it } from 'vitest';
import { sequentialUuidv7, uuidv7 } from './new-id.ts';

describe('uuidv7', () => {
  it('is a version 7, variant 1 UUID carrying the millisecond it was made', () => {
    const id = uuidv7(Date.UTC(2026, 10, 23, 9, 30));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 23, 9, 30));
  });

  it('sorts ids of later milliseconds after earlier ones', () => {
    const ids = [3, 1, 2].map((offset) => uuidv7(1_800_000_000_000 + offset));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });

  it('makes distinct ids within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_800_000_000_000)));
    expect(ids.size).toBe(1000);
  });
});

describe('sequentialUuidv7', () => {
  it('sorts in the order made, within one millisecond too, and stays a v7 UUID', () => {
    const ids = Array.from({ length: 5000 }, () => sequentialUuidv7(1_700_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 10))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // An earlier clock reading never sorts before what was already made.
    expect(sequentialUuidv7(1_600_000_000_000) > ids[ids.length - 1]!).toBe(true);
  });
});
