import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  COVERAGE_HORIZON_MS,
  coverageK,
  coverageKs,
  fireTimesPerWindow,
  perTickBudget,
} from './tick-budget.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const monday9 = Date.UTC(2026, 0, 5, 9); // a Monday

const every = (stepMs: number, from: number, until: number) =>
  Array.from({ length: Math.floor((until - from) / stepMs) + 1 }, (_, i) => from + i * stepMs);
const weekdays9 = every(DAY, monday9, monday9 + 70 * DAY).filter(
  (t) => new Date(t).getUTCDay() % 6 !== 0,
);

/** The definition, computed the slow way. */
function referenceK(fireTimes: readonly number[], from: number, windowMs: number): number {
  // Windows from one window before the tick (they still contain it) to 28 days after it, and
  // always the first fire time at or after the tick.
  const ts = fireTimes.filter(
    (t, i) =>
      (t >= from - windowMs && t <= from + COVERAGE_HORIZON_MS) ||
      (t >= from && fireTimes.findIndex((u) => u >= from) === i),
  );
  if (ts.length === 0) return 0;
  return Math.min(...ts.map((t) => fireTimes.filter((u) => u > t && u <= t + windowMs).length));
}

describe('coverageK', () => {
  it('counts the fire times every window holds for a regular cadence', () => {
    const hourly = every(HOUR, monday9, monday9 + 40 * DAY);
    expect(coverageK(hourly, monday9, 5 * HOUR)).toEqual({ k: 5, windowMet: true });
    expect(coverageK(hourly, monday9, 120 * HOUR)).toEqual({ k: 120, windowMet: true });
  });

  it('takes the tightest window: a weekday cadence over a weekend', () => {
    expect(coverageK(weekdays9, monday9, 120 * HOUR)).toEqual({ k: 3, windowMet: true });
    expect(coverageK(weekdays9, monday9, 72 * HOUR)).toEqual({ k: 1, windowMet: true });
  });

  it('says the window cannot be met when some window holds no fire time', () => {
    expect(coverageK(weekdays9, monday9, 24 * HOUR)).toEqual({ k: 1, windowMet: false });
    const daily = every(DAY, monday9, monday9 + 60 * DAY);
    expect(coverageK(daily, monday9, 23 * HOUR)).toEqual({ k: 1, windowMet: false });
    expect(coverageK(daily, monday9, 24 * HOUR)).toEqual({ k: 1, windowMet: true });
  });

  it('counts a window as (t, t + window]: a fire time exactly a window later is inside', () => {
    const fires = [0, 10, 20, 30];
    expect(fireTimesPerWindow(fires, 10)).toEqual(Int32Array.from([1, 1, 1, 0]));
    expect(fireTimesPerWindow([0, 0, 5], 5)).toEqual(Int32Array.from([1, 1, 0]));
  });

  it('uses the first fire time after the horizon when none lies in it', () => {
    const yearly = [monday9 + 100 * DAY, monday9 + 465 * DAY, monday9 + 830 * DAY];
    expect(coverageK(yearly, monday9, 400 * DAY)).toEqual({ k: 1, windowMet: true });
    expect(coverageK(yearly, monday9, 300 * DAY)).toEqual({ k: 1, windowMet: false });
  });

  it('says the window cannot be met when no fire time is left at all', () => {
    expect(coverageK([], monday9, DAY)).toEqual({ k: 1, windowMet: false });
    expect(coverageK([monday9 - DAY], monday9, DAY)).toEqual({ k: 1, windowMet: false });
  });

  it('agrees with the definition for any fire times and ticks', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 80 * DAY }), { maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 80 * DAY }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 10 * DAY }),
        (unsorted, froms, windowMs) => {
          const fires = [...unsorted].sort((a, b) => a - b);
          const ks = coverageKs(fires, froms, windowMs);
          froms.forEach((from, i) => {
            const raw = referenceK(fires, from, windowMs);
            expect(ks[i]).toEqual({ k: Math.max(1, raw), windowMet: raw > 0 });
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('perTickBudget', () => {
  it('uses daily_budget when it is set, whatever K is', () => {
    expect(perTickBudget({ dailyBudget: 3, candidates: 100, k: 1 })).toBe(3);
    expect(perTickBudget({ dailyBudget: 0, candidates: 100, k: 1 })).toBe(0);
  });

  it('divides the candidates over K ticks, rounding up, when it is auto', () => {
    expect(perTickBudget({ dailyBudget: null, candidates: 150, k: 5 })).toBe(30);
    expect(perTickBudget({ dailyBudget: null, candidates: 151, k: 5 })).toBe(31);
    expect(perTickBudget({ dailyBudget: null, candidates: 7, k: 1 })).toBe(7);
    expect(perTickBudget({ dailyBudget: null, candidates: 0, k: 5 })).toBe(0);
    expect(perTickBudget({ dailyBudget: null, candidates: 3, k: 0 })).toBe(3);
  });

  it('lets K consecutive ticks of the auto budget reach every candidate', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.integer({ min: 1, max: 1000 }), (candidates, k) => {
        const perTick = perTickBudget({ dailyBudget: null, candidates, k });
        expect(perTick * k).toBeGreaterThanOrEqual(candidates);
        expect((perTick - 1) * k).toBeLessThan(candidates);
      }),
    );
  });
});
