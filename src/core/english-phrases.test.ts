import { describe, expect, it } from 'vitest';
import { describeDayList, formatClockTime, joinWithAnd, ordinal } from './english-phrases.ts';

describe('phrase helpers', () => {
  it('formats times on a 12-hour clock', () => {
    expect([0, 30, 540, 720, 750, 1439].map(formatClockTime)).toEqual([
      '12:00 AM',
      '12:30 AM',
      '9:00 AM',
      '12:00 PM',
      '12:30 PM',
      '11:59 PM',
    ]);
  });

  it('joins lists with commas and "and"', () => {
    expect(joinWithAnd([])).toBe('');
    expect(joinWithAnd(['a'])).toBe('a');
    expect(joinWithAnd(['a', 'b'])).toBe('a and b');
    expect(joinWithAnd(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '31st',
    ]);
  });

  it('names day lists as weekdays, weekends or a list from Monday', () => {
    expect(describeDayList([1, 2, 3, 4, 5])).toBe('weekdays');
    expect(describeDayList([6, 7])).toBe('weekends');
    expect(describeDayList([0, 6])).toBe('weekends');
    expect(describeDayList([7, 1, 3])).toBe('Monday, Wednesday and Sunday');
    expect(describeDayList([1, 2, 3, 4, 5, 6])).toBe(
      'Monday, Tuesday, Wednesday, Thursday, Friday and Saturday',
    );
  });
});
