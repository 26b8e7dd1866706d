// Fire times across short months, leap years and a cadence's start and end bounds.
import { describe, expect, it } from 'vitest';
import { parseCadence } from './cadence-parse.ts';
import { at, cron, daily, fires } from './fire-times.test-helpers.ts';
import { formatInstant } from './instant.ts';
import { compileCadence, FireTimeCursor } from './next-fire-times.ts';

describe('monthly days across short months and leap years', () => {
  const monthly = (days: number[]) => ({
    type: 'calendar',
    frequency: 'monthly',
    days_of_month: days,
    times: ['09:00'],
  });

  it('day 31 is skipped in months without one', () => {
    expect(fires(monthly([31]), '2027-01-01T00:00:00Z', 7)).toEqual([
      '2027-01-31T09:00:00Z',
      '2027-03-31T09:00:00Z',
      '2027-05-31T09:00:00Z',
      '2027-07-31T09:00:00Z',
      '2027-08-31T09:00:00Z',
      '2027-10-31T09:00:00Z',
      '2027-12-31T09:00:00Z',
    ]);
  });

  it('-1 is the last day of every month, February 29 in leap years', () => {
    expect(fires(monthly([-1]), '2027-12-01T00:00:00Z', 4)).toEqual([
      '2027-12-31T09:00:00Z',
      '2028-01-31T09:00:00Z',
      '2028-02-29T09:00:00Z',
      '2028-03-31T09:00:00Z',
    ]);
    expect(fires(monthly([-1]), '2027-02-01T00:00:00Z', 1)).toEqual(['2027-02-28T09:00:00Z']);
  });

  it('2100 is not a leap year but 2000-style century 2400 is', () => {
    expect(fires(monthly([-1]), '2100-02-01T00:00:00Z', 1)).toEqual(['2100-02-28T09:00:00Z']);
    expect(fires(monthly([29]), '2100-02-01T00:00:00Z', 1)).toEqual(['2100-03-29T09:00:00Z']);
    expect(fires(monthly([29]), '2400-02-01T00:00:00Z', 1)).toEqual(['2400-02-29T09:00:00Z']);
  });

  it('day 29 fires in February only in leap years', () => {
    expect(fires(monthly([29]), '2027-02-01T00:00:00Z', 2)).toEqual([
      '2027-03-29T09:00:00Z',
      '2027-04-29T09:00:00Z',
    ]);
    expect(fires(monthly([29]), '2028-02-01T00:00:00Z', 1)).toEqual(['2028-02-29T09:00:00Z']);
  });

  it('day 30 and the last day coincide on February 28 only once', () => {
    expect(fires(monthly([30, -1]), '2027-02-01T00:00:00Z', 3)).toEqual([
      '2027-02-28T09:00:00Z',
      '2027-03-30T09:00:00Z',
      '2027-03-31T09:00:00Z',
    ]);
  });

  it('cron L fires on the last day, February 29 in 2028', () => {
    expect(fires(cron('0 18 L * *', 'Europe/Berlin'), '2028-02-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T17:00:00Z',
      '2028-03-31T16:00:00Z',
    ]);
  });
});

describe('bounds', () => {
  it('start_at and end_at are inclusive', () => {
    const cadence = {
      ...daily('09:00', 'UTC'),
      start_at: '2027-01-02T09:00:00Z',
      end_at: '2027-01-04T09:00:00Z',
    };
    expect(fires(cadence, '2027-01-01T00:00:00Z', 10)).toEqual([
      '2027-01-02T09:00:00Z',
      '2027-01-03T09:00:00Z',
      '2027-01-04T09:00:00Z',
    ]);
  });

  it('reports times dropped by gap "skip" to the caller that asks', () => {
    const parsed = parseCadence(daily('02:30', 'America/New_York', { gap: 'skip' }), {
      reference: 0,
    });
    if (!parsed.ok) throw new Error('invalid');
    const skipped: number[] = [];
    const cursor = new FireTimeCursor(
      compileCadence(parsed.value),
      at('2027-03-13T12:00:00Z'),
      (s) => skipped.push(s.local),
    );
    expect(formatInstant(cursor.next()?.at ?? 0)).toBe('2027-03-15T06:30:00Z');
    expect(skipped.map((l) => formatInstant(l))).toEqual(['2027-03-14T02:30:00Z']);
  });
});
