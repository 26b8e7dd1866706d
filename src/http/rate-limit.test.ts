import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.ts';

describe('token buckets', () => {
  it('allow a burst, then say how many seconds until the next request may come', () => {
    const buckets = new TokenBuckets({ burst: 3, perSecond: 0.5 });
    expect([0, 0, 0].map(() => buckets.take('a', 1_000))).toEqual([0, 0, 0]);
    expect(buckets.take('a', 1_000)).toBe(2);
    expect(buckets.take('a', 2_000)).toBe(1);
    expect(buckets.take('a', 3_000)).toBe(0);
  });

  it('keep one bucket per key', () => {
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1 });
    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('a', 0)).toBe(1);
    expect(buckets.take('b', 0)).toBe(0);
  });

  it('never hold more than a burst, however long a key was idle', () => {
    const buckets = new TokenBuckets({ burst: 2, perSecond: 10 });
    buckets.take('a', 0);
    const later = 3_600_000;
    expect([buckets.take('a', later), buckets.take('a', later), buckets.take('a', later)]).toEqual([
      0, 0, 1,
    ]);
  });
});
