import { describe, expect, it } from 'vitest';
import type { Cadence } from './cadence.ts';
import { parseInstant } from './instant.ts';
import { resolveScheduleCadence, updateScheduleCadence } from './schedule-cadence.ts';
import type { Parsed } from './validation-issue.ts';

// Wednesday 2027-03-10, 12:34 UTC (07:34 in New York).
const reference = parseInstant('2027-03-10T12:34:56Z') as number;
const value = (parsed: Parsed<Cadence> | undefined): Cadence => {
  if (parsed === undefined || !parsed.ok) throw new Error(JSON.stringify(parsed));
  return parsed.value;
};
const errorsOf = (parsed: Parsed<Cadence> | undefined) =>
  parsed === undefined || parsed.ok ? [] : parsed.errors.map((e) => `${e.field} ${e.code}`);

describe('resolveScheduleCadence', () => {
  it('gives a schedule with no cadence the seed defaults: every 24 h from the minute it was saved, all days', () => {
    expect(value(resolveScheduleCadence({}, reference))).toEqual({
      type: 'interval',
      tick_interval_hours: 24,
      run_days: [1, 2, 3, 4, 5, 6, 7],
      anchor_time: '12:34',
      origin_date: '2027-03-10',
      timezone: 'UTC',
      dst_policy: { gap: 'shift', fold: 'first' },
      start_at: null,
      end_at: null,
      jitter_seconds: 0,
    });
  });

  it('reads the seed’s top-level fields as an interval cadence in the given zone', () => {
    expect(
      value(
        resolveScheduleCadence(
          {
            tick_interval_hours: 48,
            run_days: [5, 1],
            anchor_time: '06:00',
            timezone: 'America/New_York',
          },
          reference,
        ),
      ),
    ).toMatchObject({
      type: 'interval',
      tick_interval_hours: 48,
      run_days: [1, 5],
      anchor_time: '06:00',
      origin_date: '2027-03-10',
      timezone: 'America/New_York',
    });
  });

  it('takes the top-level timezone as the cadence’s when the cadence has none, and accepts an equal one', () => {
    const cadence = { type: 'cron', expression: '0 9 * * *' };
    expect(
      value(resolveScheduleCadence({ cadence, timezone: 'Europe/Berlin' }, reference)).timezone,
    ).toBe('Europe/Berlin');
    const same = { cadence: { ...cadence, timezone: 'Europe/Berlin' }, timezone: 'Europe/Berlin' };
    expect(value(resolveScheduleCadence(same, reference)).timezone).toBe('Europe/Berlin');
  });

  it('refuses top-level fields that contradict the cadence, each on its own field', () => {
    const parsed = resolveScheduleCadence(
      {
        cadence: { type: 'interval', tick_interval_hours: 12, timezone: 'UTC' },
        tick_interval_hours: 6,
        run_days: [1],
        timezone: 'Asia/Tokyo',
      },
      reference,
    );
    expect(errorsOf(parsed)).toEqual([
      '/tick_interval_hours field_not_allowed',
      '/run_days field_not_allowed',
      '/timezone field_not_allowed',
    ]);
  });

  it('names the cadence a stray top-level field does not belong beside, in plain English', () => {
    const messageOf = (cadence: Record<string, unknown>) => {
      const parsed = resolveScheduleCadence({ cadence, run_days: [1] }, reference);
      return parsed.ok ? undefined : parsed.errors.find((e) => e.field === '/run_days')?.message;
    };
    expect(messageOf({ type: 'cron', expression: '0 9 * * *' })).toBe(
      'run_days does not belong beside a cron cadence; remove it or put the cadence\'s fields in "cadence".',
    );
    expect(messageOf({ type: 'interval', tick_interval_hours: 6 })).toMatch(
      /^run_days does not belong beside an interval cadence;/,
    );
    expect(messageOf({ frequency: 'daily', times: ['09:00'] })).toMatch(
      /^run_days does not belong beside the cadence;/,
    );
  });

  it('points the cadence’s own errors into /cadence, and top-level ones at their fields', () => {
    expect(
      errorsOf(
        resolveScheduleCadence(
          { cadence: { type: 'calendar', frequency: 'daily', times: ['25:00'] } },
          reference,
        ),
      ),
    ).toEqual(['/cadence/times/0 invalid_time']);
    expect(errorsOf(resolveScheduleCadence({ cadence: [] as unknown }, reference))).toEqual([
      '/cadence invalid_type',
    ]);
    expect(
      errorsOf(resolveScheduleCadence({ timezone: 'Mars/Olympus', run_days: [9] }, reference)),
    ).toEqual(['/timezone invalid_time_zone', '/run_days/0 invalid_day']);
  });
});

describe('updateScheduleCadence', () => {
  const daily = value(resolveScheduleCadence({ anchor_time: '09:00' }, reference));
  const weekly = value(
    resolveScheduleCadence(
      { cadence: { type: 'calendar', frequency: 'weekly', days_of_week: [2], times: ['08:00'] } },
      reference,
    ),
  );

  it('changes nothing when no cadence field is given', () => {
    expect(updateScheduleCadence(daily, {}, reference)).toBeUndefined();
  });

  it('changes the stored interval’s fields and keeps its origin unless the anchor moves', () => {
    const later = reference + 5 * 86_400_000;
    expect(value(updateScheduleCadence(daily, { tick_interval_hours: 12 }, later))).toMatchObject({
      tick_interval_hours: 12,
      anchor_time: '09:00',
      origin_date: '2027-03-10',
    });
    expect(value(updateScheduleCadence(daily, { anchor_time: '18:00' }, later))).toMatchObject({
      anchor_time: '18:00',
      origin_date: '2027-03-15',
    });
  });

  it('moves a calendar cadence to another zone, and refuses interval fields alone, naming its cadence', () => {
    expect(
      value(updateScheduleCadence(weekly, { timezone: 'Asia/Tokyo' }, reference)),
    ).toMatchObject({
      type: 'calendar',
      days_of_week: [2],
      timezone: 'Asia/Tokyo',
    });
    // It used to turn the weekly calendar into an interval anchored at the time of the change.
    const refused = updateScheduleCadence(weekly, { tick_interval_hours: 6 }, reference);
    expect(errorsOf(refused)).toEqual(['/tick_interval_hours field_not_allowed']);
    expect(refused?.ok === false && refused.errors[0]?.message).toBe(
      'This schedule runs on a weekly calendar cadence ("Weekly on Tuesday at 8:00 AM UTC"); ' +
        'tick_interval_hours belongs to an interval cadence. To change it to an interval, send ' +
        'the whole new cadence: "cadence", or tick_interval_hours, run_days and anchor_time together.',
    );
    expect(
      errorsOf(updateScheduleCadence(weekly, { run_days: [1], anchor_time: '09:00' }, reference)),
    ).toEqual(['/run_days field_not_allowed', '/anchor_time field_not_allowed']);
    const cron = value(
      resolveScheduleCadence({ cadence: { type: 'cron', expression: '0 9 * * 1-5' } }, reference),
    );
    const fromCron = updateScheduleCadence(cron, { anchor_time: '06:00' }, reference);
    expect(fromCron?.ok === false && fromCron.errors[0]?.message).toMatch(
      /^This schedule runs on a cron cadence \("At 9:00 AM on Monday through Friday UTC"\); anchor_time/,
    );
  });

  it('turns a calendar cadence into an interval given all three interval fields, keeping its zone', () => {
    const tokyo = { ...weekly, timezone: 'Asia/Tokyo' };
    expect(
      value(
        updateScheduleCadence(
          tokyo,
          { tick_interval_hours: 6, run_days: [1, 2], anchor_time: '09:00' },
          reference,
        ),
      ),
    ).toMatchObject({
      type: 'interval',
      tick_interval_hours: 6,
      run_days: [1, 2],
      anchor_time: '09:00',
      timezone: 'Asia/Tokyo',
    });
  });

  it('replaces the cadence when a new one is given', () => {
    const cron = { type: 'cron', expression: '*/15 * * * *' };
    expect(value(updateScheduleCadence(daily, { cadence: cron }, reference))).toMatchObject(cron);
  });
});
