import { describe, expect, it } from 'vitest';
import { parseCadence } from './cadence-parse.ts';
import { cadenceRunDays } from './cadence-run-days.ts';
import { MS_PER_DAY } from './civil-date.ts';
import { parseInstant } from './instant.ts';

const reference = parseInstant('2027-03-10T12:00:00Z') as number;
const runDays = (input: object) => {
  const parsed = parseCadence(input, { reference });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return cadenceRunDays(parsed.value, Math.floor(reference / MS_PER_DAY));
};

describe('cadenceRunDays', () => {
  it('is an interval’s own run_days', () => {
    expect(runDays({ type: 'interval', run_days: [6, 7] })).toEqual([6, 7]);
  });

  it('is every day for a daily calendar and the listed days for a weekly one', () => {
    expect(runDays({ type: 'calendar', frequency: 'daily', times: ['09:00'] })).toEqual([
      1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(
      runDays({ type: 'calendar', frequency: 'weekly', days_of_week: [5, 1], times: ['09:00'] }),
    ).toEqual([1, 5]);
  });

  it('is every weekday a monthly day can fall on', () => {
    expect(
      runDays({ type: 'calendar', frequency: 'monthly', days_of_month: [-1], times: ['09:00'] }),
    ).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('follows a cron expression’s day fields, including the Vixie either-day rule and leap days', () => {
    expect(runDays({ type: 'cron', expression: '0 9 * * 1-5' })).toEqual([1, 2, 3, 4, 5]);
    expect(runDays({ type: 'cron', expression: '0 0 13 * 5' })).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // The next 29 February, in 2028, is a Tuesday.
    expect(runDays({ type: 'cron', expression: '0 0 29 2 *' })).toEqual([2]);
  });
});
