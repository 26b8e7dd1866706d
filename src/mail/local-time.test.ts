import { describe, expect, it } from 'vitest';
import { formatDuration, formatLongLocalTime, formatShortLocalTime } from './local-time.ts';

describe('times in a digest', () => {
  it('reads a tick in the schedule’s zone, daylight saving included', () => {
    const afterSpringForward = Date.UTC(2027, 2, 14, 7, 30);
    expect(formatLongLocalTime(afterSpringForward, 'America/New_York')).toBe(
      'Sunday, March 14, 2027, 3:30 AM EDT',
    );
    expect(formatShortLocalTime(Date.UTC(2027, 0, 4, 14, 0), 'America/New_York')).toBe(
      'Jan 4, 2027, 9:00 AM EST',
    );
  });

  it('names a zone without letter abbreviations by its IANA name, and midnight as 12 AM', () => {
    expect(formatLongLocalTime(Date.UTC(2027, 5, 30, 22, 0), 'Europe/Berlin')).toBe(
      'Thursday, July 1, 2027, 12:00 AM (Europe/Berlin)',
    );
    expect(formatShortLocalTime(Date.UTC(2027, 5, 30, 22, 0), 'Etc/UTC')).toBe(
      'Jun 30, 2027, 10:00 PM UTC',
    );
  });

  it('says how long a run took in the largest sensible units', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(2 * 3_600_000 + 4 * 60_000)).toBe('2 h 4 min');
  });
});
