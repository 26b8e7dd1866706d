import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseCadence } from './cadence-parse.ts';
import type { Cadence } from './cadence.ts';
import { formatInstant, parseInstant } from './instant.ts';
import { compileCadence, nextFireTimes } from './next-fire-times.ts';
import type { Parsed } from './validation-issue.ts';

const reference = parseInstant('2026-11-23T10:17:42Z') as number;
const parse = (input: unknown) => parseCadence(input, { reference });
const fireTimes = (parsed: Parsed<Cadence>, count: number, from = reference): string[] =>
  parsed.ok
    ? nextFireTimes(compileCadence(parsed.value), from, count).map((f) => formatInstant(f.at))
    : [];
const errorsOf = (input: unknown) => {
  const parsed = parse(input);
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.field} ${e.code}`);
};

describe('parseCadence', () => {
  it('fills every default of a calendar cadence and normalises its lists', () => {
    expect(
      parse({ type: 'calendar', frequency: 'weekly', times: ['17:00', '09:00', '09:00'] }),
    ).toEqual({
      ok: true,
      value: {
        type: 'calendar',
        frequency: 'weekly',
        times: ['09:00', '17:00'],
        days_of_week: [1],
        timezone: 'UTC',
        dst_policy: { gap: 'shift', fold: 'first' },
        start_at: null,
        end_at: null,
        jitter_seconds: 0,
      },
    });
    const monthly = parse({
      type: 'calendar',
      frequency: 'monthly',
      times: ['09:00'],
      days_of_month: [-1, 15, 1, 15],
    });
    expect(monthly.ok && monthly.value).toMatchObject({ days_of_month: [1, 15, -1] });
  });

  it('resolves an interval origin from the reference instant when none is given', () => {
    const parsed = parse({ type: 'interval', timezone: 'America/New_York' });
    expect(parsed.ok && parsed.value).toMatchObject({
      tick_interval_hours: 24,
      run_days: [1, 2, 3, 4, 5, 6, 7],
      anchor_time: '05:17',
      origin_date: '2026-11-23',
    });
  });

  it('counts an anchored interval from the anchor on the reference date', () => {
    // Created at 10:17 UTC: a 6-hourly interval anchored at 00:00 next fires at 12:00 today.
    const sixHourly = parse({ type: 'interval', tick_interval_hours: 6, anchor_time: '00:00' });
    expect(sixHourly.ok && sixHourly.value).toMatchObject({
      anchor_time: '00:00',
      origin_date: '2026-11-23',
    });
    expect(fireTimes(sixHourly, 2)).toEqual(['2026-11-23T12:00:00Z', '2026-11-23T18:00:00Z']);
    // A daily interval whose anchor is still ahead fires today; one whose anchor passed, tomorrow.
    expect(fireTimes(parse({ type: 'interval', anchor_time: '11:00' }), 1)).toEqual([
      '2026-11-23T11:00:00Z',
    ]);
    expect(fireTimes(parse({ type: 'interval', anchor_time: '09:00' }), 1)).toEqual([
      '2026-11-24T09:00:00Z',
    ]);
    // Every two days counts from the creation date, even when today's anchor has passed.
    expect(
      fireTimes(parse({ type: 'interval', tick_interval_hours: 48, anchor_time: '09:00' }), 2),
    ).toEqual(['2026-11-25T09:00:00Z', '2026-11-27T09:00:00Z']);
  });

  it('starts an elapsed-time interval from the first anchor after the reference', () => {
    const passed = parse({ type: 'interval', tick_interval_hours: 5, anchor_time: '09:00' });
    expect(passed.ok && passed.value).toMatchObject({ origin_date: '2026-11-24' });
    expect(fireTimes(passed, 2)).toEqual(['2026-11-24T09:00:00Z', '2026-11-24T14:00:00Z']);
    const ahead = parse({ type: 'interval', tick_interval_hours: 5, anchor_time: '11:00' });
    expect(fireTimes(ahead, 2)).toEqual(['2026-11-23T11:00:00Z', '2026-11-23T16:00:00Z']);
  });

  it('fires an interval origin that falls in a repeated hour once, on its first pass', () => {
    // Created at 01:30 EDT on the fall-back day, the first pass of 01:30.
    const from = parseInstant('2027-11-07T05:30:00Z') as number;
    const at = (input: object, count: number) => {
      const parsed = parseCadence({ ...input, timezone: 'America/New_York' }, { reference: from });
      return fireTimes(parsed, count, from);
    };
    // The origin's second pass (06:30Z, 01:30 EST) is not a fire time.
    expect(at({ type: 'interval', tick_interval_hours: 6 }, 1)).toEqual(['2027-11-07T12:30:00Z']);
    expect(at({ type: 'interval', dst_policy: { fold: 'both' } }, 1)).toEqual([
      '2027-11-08T06:30:00Z',
    ]);
  });

  it('marks an elapsed interval whose origin was shifted out of a gap', () => {
    const from = parseInstant('2027-03-13T12:00:00Z') as number;
    const parsed = parseCadence(
      {
        type: 'interval',
        tick_interval_hours: 5,
        anchor_time: '02:30',
        timezone: 'America/New_York',
      },
      { reference: from },
    );
    const fires = parsed.ok ? nextFireTimes(compileCadence(parsed.value), from, 2) : [];
    expect(fires.map((f) => [formatInstant(f.at), f.dst])).toEqual([
      ['2027-03-14T07:30:00Z', 'shifted'],
      ['2027-03-14T12:30:00Z', null],
    ]);
  });

  it('without an anchor, fires every interval from the reference minute', () => {
    expect(fireTimes(parse({ type: 'interval', tick_interval_hours: 24 }), 2)).toEqual([
      '2026-11-24T10:17:00Z',
      '2026-11-25T10:17:00Z',
    ]);
  });

  it('keeps a case-insensitive zone in its IANA spelling and folds UTC aliases', () => {
    const ny = parse({ type: 'cron', expression: '0 9 * * *', timezone: 'america/new_york' });
    expect(ny.ok && ny.value.timezone).toBe('America/New_York');
    const kolkata = parse({ type: 'cron', expression: '0 9 * * *', timezone: 'Asia/Kolkata' });
    expect(kolkata.ok && kolkata.value.timezone).toBe('Asia/Kolkata');
    for (const alias of ['Etc/UTC', 'GMT', 'Etc/GMT', 'utc', 'Zulu']) {
      const parsed = parse({ type: 'cron', expression: '0 9 * * *', timezone: alias });
      expect(parsed.ok && parsed.value.timezone).toBe('UTC');
    }
  });

  it('reports every problem at once, each at its JSON pointer', () => {
    expect(
      errorsOf({
        type: 'calendar',
        frequency: 'monthly',
        times: ['9:00', '25:00', '09:30'],
        days_of_week: [1],
        days_of_month: [0, 32, -2, 5],
        timezone: 'Mars/Olympus',
        start_at: '2027-01-02T00:00:00Z',
        end_at: '2027-01-01T00:00:00Z',
        jitter_seconds: 4000,
        expression: '* * * * *',
        colour: 'blue',
      }),
    ).toEqual([
      '/expression field_not_allowed',
      '/colour field_not_allowed',
      '/timezone invalid_time_zone',
      '/end_at invalid_range',
      '/jitter_seconds invalid_value',
      '/times/0 invalid_time',
      '/times/1 invalid_time',
      '/days_of_week field_not_allowed',
      '/days_of_month/0 invalid_day',
      '/days_of_month/1 invalid_day',
      '/days_of_month/2 invalid_day',
    ]);
  });

  it('names each invalid field with a stable code', () => {
    const cases: [unknown, string[]][] = [
      ['daily', [' invalid_type']],
      [null, [' invalid_type']],
      [[], [' invalid_type']],
      [{}, ['/type required']],
      [{ type: 'hourly' }, ['/type invalid_value']],
      [{ type: 'calendar', times: ['09:00'] }, ['/frequency required']],
      [{ type: 'calendar', frequency: 'daily' }, ['/times required']],
      [{ type: 'calendar', frequency: 'daily', times: [] }, ['/times invalid_value']],
      [{ type: 'calendar', frequency: 'daily', times: '09:00' }, ['/times invalid_type']],
      [
        { type: 'calendar', frequency: 'daily', times: ['09:00'], days_of_month: [1] },
        ['/days_of_month field_not_allowed'],
      ],
      [
        { type: 'calendar', frequency: 'weekly', times: ['09:00'], days_of_week: [0, 8, 1.5, '1'] },
        [
          '/days_of_week/0 invalid_day',
          '/days_of_week/1 invalid_day',
          '/days_of_week/2 invalid_day',
          '/days_of_week/3 invalid_day',
        ],
      ],
      [{ type: 'interval', tick_interval_hours: 0 }, ['/tick_interval_hours invalid_value']],
      [{ type: 'interval', tick_interval_hours: 8761 }, ['/tick_interval_hours invalid_value']],
      [{ type: 'interval', tick_interval_hours: '24' }, ['/tick_interval_hours invalid_type']],
      [{ type: 'interval', run_days: [] }, ['/run_days invalid_value']],
      [{ type: 'interval', anchor_time: '24:00' }, ['/anchor_time invalid_time']],
      [{ type: 'interval', origin_date: '2027-02-29' }, ['/origin_date invalid_value']],
      [{ type: 'interval', times: ['09:00'] }, ['/times field_not_allowed']],
      [{ type: 'cron' }, ['/expression required']],
      [{ type: 'cron', expression: '@reboot' }, ['/expression invalid_cron']],
      [{ type: 'cron', expression: '0 0 * * * *' }, ['/expression invalid_cron']],
      [{ type: 'cron', expression: 'x'.repeat(300) }, ['/expression invalid_cron']],
      [
        { type: 'cron', expression: '0 9 * * *', dst_policy: { gap: 'later' } },
        ['/dst_policy/gap invalid_value'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', dst_policy: { when: 'x' } },
        ['/dst_policy/when field_not_allowed'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', dst_policy: 'shift' },
        ['/dst_policy invalid_type'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', start_at: '2027-01-01' },
        ['/start_at invalid_instant'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', start_at: '2027-01-01T00:00:00' },
        ['/start_at invalid_instant'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', timezone: '+05:00' },
        ['/timezone invalid_time_zone'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', timezone: 'Europe/../../etc/passwd' },
        ['/timezone invalid_time_zone'],
      ],
      [
        { type: 'cron', expression: '0 9 * * *', jitter_seconds: 1.5 },
        ['/jitter_seconds invalid_value'],
      ],
    ];
    for (const [input, expected] of cases)
      expect(errorsOf(input), JSON.stringify(input)).toEqual(expected);
  });

  it('refuses a cadence with no fire time in the next 10 years', () => {
    expect(errorsOf({ type: 'cron', expression: '0 0 30 2 *' })).toEqual([' schedule_never_fires']);
    expect(
      errorsOf({ type: 'cron', expression: '0 9 * * *', end_at: '2026-01-01T00:00:00Z' }),
    ).toEqual([' schedule_never_fires']);
    expect(
      errorsOf({
        type: 'interval',
        tick_interval_hours: 168,
        run_days: [2],
        origin_date: '2026-11-23',
      }),
    ).toEqual([' schedule_never_fires']);
    // Rare but real: February 29 fires within 10 years.
    expect(errorsOf({ type: 'cron', expression: '0 0 29 2 *' })).toEqual([]);
  });

  it('never throws on arbitrary JSON and answers with issues or a cadence', () => {
    const field = fc.constantFrom(
      'type',
      'frequency',
      'times',
      'days_of_week',
      'days_of_month',
      'tick_interval_hours',
      'run_days',
      'anchor_time',
      'origin_date',
      'expression',
      'timezone',
      'dst_policy',
      'start_at',
      'end_at',
      'jitter_seconds',
      '__proto__',
      'constructor',
    );
    const value = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(
        'calendar',
        'interval',
        'cron',
        'daily',
        'weekly',
        'monthly',
        '09:00',
        '* * * * *',
        'UTC',
        -1,
        31,
        8760,
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(field, value)), (input) => {
        const parsed = parse(input);
        if (!parsed.ok) {
          expect(parsed.errors.length).toBeGreaterThan(0);
          for (const e of parsed.errors) expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
