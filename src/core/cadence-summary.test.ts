import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_DST_POLICY } from './cadence.ts';
import type {
  Cadence,
  CalendarCadence,
  CronCadence,
  IntervalCadence,
  IsoWeekday,
} from './cadence.ts';
import { summarizeCadence } from './cadence-summary.ts';

const options = {
  dst_policy: DEFAULT_DST_POLICY,
  start_at: null,
  end_at: null,
  jitter_seconds: 0,
} as const;

const calendar = (fields: Partial<CalendarCadence>): CalendarCadence => ({
  ...options,
  type: 'calendar',
  frequency: 'daily',
  times: ['09:00'],
  timezone: 'UTC',
  ...fields,
});

const interval = (fields: Partial<IntervalCadence>): IntervalCadence => ({
  ...options,
  type: 'interval',
  tick_interval_hours: 24,
  run_days: [1, 2, 3, 4, 5, 6, 7],
  anchor_time: '09:00',
  origin_date: '2026-11-23',
  timezone: 'UTC',
  ...fields,
});

const cron = (expression: string, timezone = 'UTC'): CronCadence => ({
  ...options,
  type: 'cron',
  expression,
  timezone,
});

const WINTER = Date.UTC(2026, 0, 15, 17);
const SUMMER = Date.UTC(2026, 6, 16, 13);
const WEEKDAYS: IsoWeekday[] = [1, 2, 3, 4, 5];

describe('summarizeCadence', () => {
  it.each<[string, Cadence, number, string]>([
    [
      'a daily calendar in Los Angeles in winter',
      calendar({ timezone: 'America/Los_Angeles' }),
      WINTER,
      'Daily at 9:00 AM PST',
    ],
    [
      'a weekly calendar in New York in summer',
      calendar({ frequency: 'weekly', days_of_week: [1, 4], timezone: 'America/New_York' }),
      SUMMER,
      'Weekly on Monday and Thursday at 9:00 AM EDT',
    ],
    [
      'a monthly calendar on the last day in Berlin',
      calendar({
        frequency: 'monthly',
        days_of_month: [-1],
        times: ['18:00'],
        timezone: 'Europe/Berlin',
      }),
      WINTER,
      'Monthly on the last day at 6:00 PM (Europe/Berlin)',
    ],
    [
      'a six-hour interval on weekdays',
      interval({ tick_interval_hours: 6, anchor_time: '00:00', run_days: WEEKDAYS }),
      WINTER,
      'Every 6 hours from 12:00 AM on weekdays UTC',
    ],
    [
      'a cron on weekdays in Berlin',
      cron('0 9 * * 1-5', 'Europe/Berlin'),
      SUMMER,
      'At 9:00 AM on Monday through Friday (Europe/Berlin)',
    ],
    ['an unphraseable cron', cron('*/7 * * * *'), WINTER, 'Cron "*/7 * * * *" UTC'],
  ])('summarises %s', (_, cadence, instant, sentence) => {
    expect(summarizeCadence(cadence, instant)).toBe(sentence);
  });

  it.each<[string, Cadence, string]>([
    [
      'weekends',
      calendar({ frequency: 'weekly', days_of_week: [6, 7] }),
      'Weekly on weekends at 9:00 AM UTC',
    ],
    [
      'weekdays',
      calendar({ frequency: 'weekly', days_of_week: WEEKDAYS }),
      'Weekly on weekdays at 9:00 AM UTC',
    ],
    [
      'three days',
      calendar({ frequency: 'weekly', days_of_week: [1, 3, 5] }),
      'Weekly on Monday, Wednesday and Friday at 9:00 AM UTC',
    ],
    ['the default Monday', calendar({ frequency: 'weekly' }), 'Weekly on Monday at 9:00 AM UTC'],
    [
      'all seven days',
      calendar({ frequency: 'weekly', days_of_week: [1, 2, 3, 4, 5, 6, 7] }),
      'Daily at 9:00 AM UTC',
    ],
    ['several times', calendar({ times: ['09:00', '17:00'] }), 'Daily at 9:00 AM and 5:00 PM UTC'],
    [
      'noon and midnight',
      calendar({ times: ['00:00', '12:00', '12:30'] }),
      'Daily at 12:00 AM, 12:00 PM and 12:30 PM UTC',
    ],
    [
      'the 1st and 15th',
      calendar({ frequency: 'monthly', days_of_month: [1, 15] }),
      'Monthly on the 1st and 15th at 9:00 AM UTC',
    ],
    [
      'the 1st and the last day',
      calendar({ frequency: 'monthly', days_of_month: [1, -1] }),
      'Monthly on the 1st and the last day at 9:00 AM UTC',
    ],
    [
      'three days of the month',
      calendar({ frequency: 'monthly', days_of_month: [2, 22, -1] }),
      'Monthly on the 2nd, 22nd and the last day at 9:00 AM UTC',
    ],
    ['the default 1st', calendar({ frequency: 'monthly' }), 'Monthly on the 1st at 9:00 AM UTC'],
  ])('phrases a calendar cadence on %s', (_, cadence, sentence) => {
    expect(summarizeCadence(cadence, WINTER)).toBe(sentence);
  });

  it.each<[string, Partial<IntervalCadence>, string]>([
    ['24 hours on all days', {}, 'Daily at 9:00 AM UTC'],
    ['48 hours', { tick_interval_hours: 48 }, 'Every 2 days at 9:00 AM UTC'],
    ['24 hours on weekdays', { run_days: WEEKDAYS }, 'Daily at 9:00 AM on weekdays UTC'],
    ['24 hours on weekends', { run_days: [6, 7] }, 'Daily at 9:00 AM on weekends UTC'],
    [
      '24 hours on a list of days',
      { run_days: [1, 2, 3] },
      'Daily at 9:00 AM on Monday, Tuesday and Wednesday UTC',
    ],
    ['1 hour', { tick_interval_hours: 1, anchor_time: '00:15' }, 'Every hour from 12:15 AM UTC'],
    [
      '6 hours anchored mid-morning, from the first time of the day',
      { tick_interval_hours: 6, anchor_time: '09:30' },
      'Every 6 hours from 3:30 AM UTC',
    ],
    ['36 hours', { tick_interval_hours: 36 }, 'Every 36 hours from 9:00 AM on Nov 23, 2026 UTC'],
    [
      '5 hours on weekdays',
      { tick_interval_hours: 5, run_days: WEEKDAYS },
      'Every 5 hours from 9:00 AM on Nov 23, 2026, only on weekdays UTC',
    ],
  ])('phrases an interval of %s', (_, fields, sentence) => {
    expect(summarizeCadence(interval(fields), WINTER)).toBe(sentence);
  });

  it('follows the zone label to daylight time at the reference instant', () => {
    const cadence = calendar({ timezone: 'America/Los_Angeles' });
    expect(summarizeCadence(cadence, SUMMER)).toBe('Daily at 9:00 AM PDT');
  });

  it('quotes a cron expression that does not parse rather than failing', () => {
    expect(summarizeCadence(cron('@reboot'), WINTER)).toBe('Cron "@reboot" UTC');
  });

  it('always ends with the zone label', () => {
    const zones = ['UTC', 'America/New_York', 'Europe/Berlin'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 8760 }),
        fc.constantFrom('00:00', '09:30', '23:59'),
        (timezone, hours, anchor) => {
          const sentence = summarizeCadence(
            interval({ timezone, tick_interval_hours: hours, anchor_time: anchor }),
            WINTER,
          );
          expect(sentence).toMatch(/^(Daily|Every) .* (UTC|EST|\(Europe\/Berlin\))$/);
        },
      ),
    );
  });
});
