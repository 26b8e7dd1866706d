import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cyrb53, jitterDelayMs } from './jitter.ts';

const HOUR = 3_600_000;
const fireTime = fc.integer({ min: 0, max: 4_102_444_800_000 });
const scheduleId = fc.uuid();

describe('jitterDelayMs', () => {
  it('is zero when the schedule has no jitter', () => {
    fc.assert(
      fc.property(scheduleId, fireTime, (id, at) => {
        expect(jitterDelayMs(id, at, 0, undefined)).toBe(0);
        expect(jitterDelayMs(id, at, 0, at + HOUR)).toBe(0);
      }),
    );
  });

  it('is the same on every call for the same schedule and fire time', () => {
    fc.assert(
      fc.property(scheduleId, fireTime, fc.integer({ min: 1, max: 3600 }), (id, at, s) => {
        expect(jitterDelayMs(id, at, s, undefined)).toBe(jitterDelayMs(id, at, s, undefined));
      }),
    );
    // Pinned (the hash's published reference values) so that a change of hash, which would
    // move every replica's dispatch, is noticed.
    expect(cyrb53('a')).toBe(7929297801672961);
    expect(cyrb53('revenge')).toBe(4051478007546757);
    expect(jitterDelayMs('schedule-1', 1_700_000_000_000, 600, undefined)).toBe(529_671);
  });

  it('stays in [0, jitter) as a whole number of milliseconds', () => {
    fc.assert(
      fc.property(scheduleId, fireTime, fc.integer({ min: 1, max: 3600 }), (id, at, s) => {
        const delay = jitterDelayMs(id, at, s, undefined);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(s * 1000);
      }),
    );
  });

  it('stays strictly below the gap to the next fire time', () => {
    fc.assert(
      fc.property(
        scheduleId,
        fireTime,
        fc.integer({ min: 1, max: 3600 }),
        fc.integer({ min: 1, max: 2 * HOUR }),
        (id, at, s, gap) => {
          const delay = jitterDelayMs(id, at, s, at + gap);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(gap);
          expect(delay).toBeLessThan(s * 1000);
        },
      ),
    );
  });

  it('spreads the ticks of one schedule across the jitter range', () => {
    fc.assert(
      fc.property(scheduleId, fireTime, (id, start) => {
        const buckets = new Array<number>(10).fill(0);
        for (let i = 0; i < 1000; i++) {
          const delay = jitterDelayMs(id, start + i * HOUR, 3600, undefined);
          buckets[Math.floor(delay / 360_000)]! += 1;
        }
        // 100 expected per bucket; 40…160 is more than 6 standard deviations either side.
        for (const count of buckets) {
          expect(count).toBeGreaterThan(40);
          expect(count).toBeLessThan(160);
        }
      }),
      { numRuns: 20 },
    );
  });

  it('gives different schedules different delays for the same fire time', () => {
    const at = 1_700_000_000_000;
    const delays = new Set(
      Array.from({ length: 200 }, (_, i) => jitterDelayMs(`schedule-${i}`, at, 3600, undefined)),
    );
    expect(delays.size).toBeGreaterThan(190);
  });
});
