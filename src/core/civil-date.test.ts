import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isoWeekday,
  parseCivilDate,
  parseLocalTime,
} from './civil-date.ts';

describe('civil dates', () => {
  it('counts days from 1970-01-01', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
  });

  it('round-trips every epoch day between years 1600 and 2600', () => {
    fc.assert(
      fc.property(fc.integer({ min: -135_000, max: 230_000 }), (d) => {
        const c = civilFromDays(d);
        return daysFromCivil(c.year, c.month, c.day) === d;
      }),
    );
  });

  it('agrees with the JavaScript Date calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 200_000 }), (d) => {
        const date = new Date(d * 86_400_000);
        const c = civilFromDays(d);
        expect([c.year, c.month, c.day]).toEqual([
          date.getUTCFullYear(),
          date.getUTCMonth() + 1,
          date.getUTCDate(),
        ]);
        expect(isoWeekday(d)).toBe(date.getUTCDay() === 0 ? 7 : date.getUTCDay());
      }),
    );
  });

  it('knows leap years and month lengths', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2027, 4)).toBe(30);
    expect(daysInMonth(2027, 12)).toBe(31);
  });

  it('parses only real local times and dates', () => {
    expect(parseLocalTime('09:30')).toBe(570);
    expect(parseLocalTime('23:59')).toBe(1439);
    for (const bad of ['24:00', '9:30', '09:60', '09:30:00', ' 09:30', '']) {
      expect(parseLocalTime(bad)).toBeUndefined();
    }
    expect(parseCivilDate('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', '2024-04-31']) {
      expect(parseCivilDate(bad)).toBeUndefined();
    }
  });
});
