import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { formatInstant, parseInstant } from './instant.ts';
import { tenantDay, tenantLeft } from './tenant-day.ts';

const at = (text: string): number => parseInstant(text) as number;
const bounds = (zone: string, instant: string) => {
  const d = tenantDay(zone, at(instant));
  return [formatInstant(d.start), formatInstant(d.end)];
};

describe('tenantDay', () => {
  it('runs from local midnight to local midnight', () => {
    expect(bounds('America/New_York', '2027-01-15T12:00:00Z')).toEqual([
      '2027-01-15T05:00:00Z',
      '2027-01-16T05:00:00Z',
    ]);
    expect(bounds('UTC', '2027-01-15T23:59:59Z')).toEqual([
      '2027-01-15T00:00:00Z',
      '2027-01-16T00:00:00Z',
    ]);
  });

  it('is 23 or 25 hours long on DST days', () => {
    expect(bounds('America/New_York', '2027-03-14T12:00:00Z')).toEqual([
      '2027-03-14T05:00:00Z',
      '2027-03-15T04:00:00Z',
    ]);
    expect(bounds('America/New_York', '2027-11-07T12:00:00Z')).toEqual([
      '2027-11-07T04:00:00Z',
      '2027-11-08T05:00:00Z',
    ]);
  });

  it('starts a day without a midnight at the first instant that exists', () => {
    // Santiago, 2027-09-05: 00:00 (-04) jumps to 01:00 (-03) at 04:00Z.
    expect(bounds('America/Santiago', '2027-09-05T12:00:00Z')).toEqual([
      '2027-09-05T04:00:00Z',
      '2027-09-06T03:00:00Z',
    ]);
    expect(bounds('America/Santiago', '2027-09-04T12:00:00Z')).toEqual([
      '2027-09-04T04:00:00Z',
      '2027-09-05T04:00:00Z',
    ]);
  });

  it('agrees with Temporal on the start of every day, in every zone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('UTC', ...Intl.supportedValuesOf('timeZone')),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2050, 0, 1) }),
        (zone, instant) => {
          const day = tenantDay(zone, instant);
          const zdt = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(zone);
          expect(day.start).toBe(zdt.startOfDay().epochMilliseconds);
          expect(day.end).toBe(zdt.add({ days: 1 }).startOfDay().epochMilliseconds);
          expect(day.start).toBeLessThanOrEqual(instant);
          expect(day.end).toBeGreaterThan(instant);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('tenantLeft', () => {
  it('subtracts what was spent, never going below zero, and leaves no limit unlimited', () => {
    expect(tenantLeft(200, 37)).toBe(163);
    expect(tenantLeft(200, 260)).toBe(0);
    expect(tenantLeft(null, 1_000)).toBeNull();
  });
});
