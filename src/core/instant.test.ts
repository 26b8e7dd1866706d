import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCadence } from './cadence-parse.ts';
import { formatInstant, formatLocalInstant, isSupportedInstant, parseInstant } from './instant.ts';
import { compileCadence, nextFireTimes } from './next-fire-times.ts';

describe('instants', () => {
  it('parses ISO-8601 with Z or an offset, and nothing without one', () => {
    expect(parseInstant('2027-03-14T07:30:00Z')).toBe(Date.UTC(2027, 2, 14, 7, 30));
    expect(parseInstant('2027-03-14T03:30:00-04:00')).toBe(Date.UTC(2027, 2, 14, 7, 30));
    expect(parseInstant('2027-03-14T13:00+05:30')).toBe(Date.UTC(2027, 2, 14, 7, 30));
    expect(parseInstant('2027-03-14T07:30:00.25Z')).toBe(Date.UTC(2027, 2, 14, 7, 30, 0, 250));
    for (const bad of [
      '2027-03-14T07:30:00',
      '2027-03-14',
      '2027-02-29T00:00:00Z',
      '2027-03-14T24:00:00Z',
      '2027-03-14T07:60:00Z',
      '2027-03-14T07:30:60Z',
      '2027-03-14T07:30:00+24:00',
      'yesterday',
      '',
    ]) {
      expect(parseInstant(bad), bad).toBeUndefined();
    }
  });

  it('formats whole seconds plainly and keeps milliseconds when there are some', () => {
    expect(formatInstant(Date.UTC(2027, 2, 14, 7, 30))).toBe('2027-03-14T07:30:00Z');
    expect(formatInstant(Date.UTC(2027, 2, 14, 7, 30, 0, 5))).toBe('2027-03-14T07:30:00.005Z');
    expect(formatLocalInstant(Date.UTC(2027, 2, 14, 7, 30), -4 * 3_600_000)).toBe(
      '2027-03-14T03:30:00-04:00',
    );
    expect(formatLocalInstant(Date.UTC(2027, 2, 14, 7, 30), 5.5 * 3_600_000)).toBe(
      '2027-03-14T13:00:00+05:30',
    );
  });

  it('round-trips every supported instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2699, 11, 31) }), (ms) => {
        expect(isSupportedInstant(ms)).toBe(true);
        expect(parseInstant(formatInstant(ms))).toBe(ms);
        expect(formatInstant(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
      }),
    );
    expect(isSupportedInstant(Date.UTC(1899, 11, 31))).toBe(false);
    expect(isSupportedInstant(Date.UTC(2700, 0, 1))).toBe(false);
  });

  it('keeps a bound with milliseconds exact, so a fire time just before it is excluded', () => {
    const parsed = parseCadence(
      {
        type: 'calendar',
        frequency: 'daily',
        times: ['09:00'],
        start_at: '2027-01-02T09:00:00.500Z',
      },
      { reference: Date.UTC(2027, 0, 1) },
    );
    expect(parsed.ok && parsed.value.start_at).toBe('2027-01-02T09:00:00.500Z');
    const first = parsed.ok
      ? nextFireTimes(compileCadence(parsed.value), Date.UTC(2027, 0, 1), 1)
      : [];
    expect(first.map((f) => formatInstant(f.at))).toEqual(['2027-01-03T09:00:00Z']);
  });
});
