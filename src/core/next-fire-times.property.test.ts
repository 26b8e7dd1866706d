// Laws of fire times, checked against an independent oracle: every matching local date and time
// resolved through Temporal's own disambiguation modes (compatible = shift / first pass,
// earlier/later = the two passes of a fold, reject = does the local time exist at all).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import type { Cadence } from './cadence.ts';
import { intervalMode } from './cadence.ts';
import { parseCadence } from './cadence-parse.ts';
import {
  daysFromCivil,
  isoWeekday,
  MS_PER_DAY,
  parseCivilDate,
  parseLocalTime,
} from './civil-date.ts';
import { parseCron } from './cron-expression.ts';
import { compileCadence, FireTimeCursor, type FireTime } from './next-fire-times.ts';

const NAMED_ZONES = [
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
];
const ALL_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

const zone = fc.oneof(fc.constantFrom(...NAMED_ZONES), fc.constantFrom(...ALL_ZONES));
const instant = fc
  .integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2060, 0, 1) })
  .map((ms) => ms - (ms % 60_000));
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
// Times near the usual transition hours make gaps and folds likely.
const dstTime = fc.oneof(
  time,
  fc.constantFrom('00:30', '01:00', '01:30', '01:45', '02:00', '02:15', '02:30', '03:00', '23:30'),
);
const dstPolicy = fc.record({
  gap: fc.constantFrom('shift', 'skip'),
  fold: fc.constantFrom('first', 'both'),
});
const weekdays = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 });

const calendar = fc.oneof(
  fc.record({
    type: fc.constant('calendar'),
    frequency: fc.constant('daily'),
    times: fc.array(dstTime, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('calendar'),
    frequency: fc.constant('weekly'),
    days_of_week: weekdays,
    times: fc.array(dstTime, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    type: fc.constant('calendar'),
    frequency: fc.constant('monthly'),
    days_of_month: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constant(-1)), {
      minLength: 1,
      maxLength: 4,
    }),
    times: fc.array(dstTime, { minLength: 1, maxLength: 2 }),
  }),
);
const interval = fc.record({
  type: fc.constant('interval'),
  tick_interval_hours: fc.oneof(
    fc.constantFrom(1, 2, 3, 4, 6, 8, 12, 24, 48, 168),
    fc.integer({ min: 1, max: 200 }),
  ),
  run_days: weekdays,
  anchor_time: dstTime,
});
const cronText = fc.constantFrom(
  '0 * * * *',
  '*/30 * * * *',
  '15 */2 * * *',
  '30 2 * * *',
  '*/20 1 * * *',
  '0 1-3 * * *',
  '0 9 * * 1-5',
  '45 23 * * 6,0',
  '0 0 1,15 * *',
  '30 2 L * *',
  '0 2 * * 0L',
  '0 12 1 * 1',
  '0 0 * 3,4,9,10,11 0',
);
const cron = fc.record({ type: fc.constant('cron'), expression: cronText });

const cadence = fc
  .tuple(fc.oneof(calendar, interval, cron), zone, dstPolicy)
  .map(([c, timezone, dst_policy]) => ({ ...c, timezone, dst_policy }));

/** Parses a generated cadence; ones that rightly never fire (say, a weekly interval whose
 * run_days miss its origin's weekday) are discarded, anything else invalid is a test failure. */
function parse(input: object, reference: number): Cadence {
  const parsed = parseCadence(input, { reference });
  if (!parsed.ok) {
    fc.pre(!parsed.errors.every((e) => e.code === 'schedule_never_fires'));
    throw new Error(JSON.stringify(parsed.errors));
  }
  return parsed.value;
}

function ours(c: Cadence, from: number, to: number): FireTime[] {
  const cursor = new FireTimeCursor(compileCadence(c), from);
  const out: FireTime[] = [];
  for (let f = cursor.next(); f !== undefined && f.at <= to; f = cursor.next()) out.push(f);
  return out;
}

// ---- The oracle -------------------------------------------------------------------------

/** Matching local (epoch day, minute) pairs of a local-time cadence, by brute force. */
function localCandidates(c: Cadence, firstDay: number, lastDay: number): [number, number][] {
  const out: [number, number][] = [];
  const cronSchedule = c.type === 'cron' ? parseCron(c.expression) : undefined;
  for (let day = firstDay; day <= lastDay; day++) {
    let minutes: readonly number[] = [];
    if (c.type === 'calendar') {
      const date = Temporal.PlainDate.from('1970-01-01').add({ days: day });
      const dom = (c.days_of_month ?? []).map((d) => (d === -1 ? date.daysInMonth : d));
      const matches =
        c.frequency === 'daily' ||
        (c.frequency === 'weekly' && (c.days_of_week ?? []).includes(date.dayOfWeek as 1)) ||
        (c.frequency === 'monthly' && dom.includes(date.day));
      if (matches) minutes = c.times.map((t) => parseLocalTime(t) as number);
    } else if (c.type === 'cron' && cronSchedule?.ok) {
      if (cronSchedule.value.matchesDay(day)) minutes = cronSchedule.value.minutesOfDay;
    } else if (c.type === 'interval') {
      const origin = parseCivilDate(c.origin_date) as number;
      const anchor = parseLocalTime(c.anchor_time) as number;
      if (day < origin || !c.run_days.includes(isoWeekday(day) as 1)) continue;
      const hours = c.tick_interval_hours;
      if (intervalMode(hours) === 'days') {
        if ((day - origin) % (hours / 24) === 0) minutes = [anchor];
      } else {
        minutes = Array.from(
          { length: 24 / hours },
          (_, j) => (anchor + j * hours * 60) % 1440,
        ).filter((m) => day > origin || m >= anchor);
      }
    }
    for (const m of minutes) out.push([day, m]);
  }
  return out;
}

function resolve(
  zoneId: string,
  day: number,
  minute: number,
  disambiguation: 'compatible' | 'earlier' | 'later' | 'reject',
): number {
  const date = Temporal.PlainDate.from('1970-01-01').add({ days: day });
  return Temporal.ZonedDateTime.from(
    {
      year: date.year,
      month: date.month,
      day: date.day,
      hour: Math.floor(minute / 60),
      minute: minute % 60,
      timeZone: zoneId,
    },
    { disambiguation },
  ).epochMilliseconds;
}

function kindOf(zoneId: string, day: number, minute: number): 'unique' | 'gap' | 'fold' {
  try {
    resolve(zoneId, day, minute, 'reject');
    return 'unique';
  } catch {
    const compatible = resolve(zoneId, day, minute, 'compatible');
    return compatible === resolve(zoneId, day, minute, 'earlier') ? 'fold' : 'gap';
  }
}

function everyHour(c: Cadence): boolean {
  if (c.type === 'interval') return intervalMode(c.tick_interval_hours) === 'hours_of_day';
  if (c.type === 'cron') {
    const parsed = parseCron(c.expression);
    return parsed.ok && !parsed.value.hourIsFixed;
  }
  return false;
}

function oracle(c: Cadence, from: number, to: number): FireTime[] {
  const zoneId = c.timezone;
  const found = new Map<number, FireTime['dst']>();
  const add = (at: number, dst: FireTime['dst']) => {
    if (at <= from || at > to) return;
    if (!found.has(at) || dst === null) found.set(at, dst);
  };
  if (c.type === 'interval' && intervalMode(c.tick_interval_hours) === 'elapsed') {
    const originDay = parseCivilDate(c.origin_date) as number;
    const anchor = parseLocalTime(c.anchor_time) as number;
    const origin = resolve(zoneId, originDay, anchor, 'compatible');
    const period = c.tick_interval_hours * 3_600_000;
    for (
      let at = origin + Math.max(0, Math.floor((from - origin) / period)) * period;
      at <= to;
      at += period
    ) {
      const local = Temporal.Instant.fromEpochMilliseconds(at).toZonedDateTimeISO(zoneId);
      const day = daysFromCivil(local.year, local.month, local.day);
      if (!c.run_days.includes(local.dayOfWeek as 1)) continue;
      const shifted = at === origin && kindOf(zoneId, originDay, anchor) === 'gap';
      const repeated = kindOf(zoneId, day, local.hour * 60 + local.minute) === 'fold';
      add(at, shifted ? 'shifted' : repeated ? 'repeated' : null);
    }
  } else {
    const fixed = !everyHour(c);
    const firstDay = Math.floor(from / MS_PER_DAY) - 2;
    const lastDay = Math.floor(to / MS_PER_DAY) + 2;
    // An interval's origin (k = 0) is a single fire time, at its first pass.
    const origin =
      c.type === 'interval' ? [parseCivilDate(c.origin_date), parseLocalTime(c.anchor_time)] : [];
    for (const [day, minute] of localCandidates(c, firstDay, lastDay)) {
      const isOrigin = day === origin[0] && minute === origin[1];
      const kind = kindOf(zoneId, day, minute);
      if (kind === 'unique') add(resolve(zoneId, day, minute, 'reject'), null);
      else if (kind === 'gap') {
        if (!fixed || c.dst_policy.gap === 'shift')
          add(resolve(zoneId, day, minute, 'compatible'), 'shifted');
      } else {
        add(resolve(zoneId, day, minute, 'earlier'), 'repeated');
        if (!isOrigin && (!fixed || c.dst_policy.fold === 'both'))
          add(resolve(zoneId, day, minute, 'later'), 'repeated');
      }
    }
  }
  const bounded = [...found].filter(([at]) => {
    const start = c.start_at === null ? -Infinity : Date.parse(c.start_at);
    const end = c.end_at === null ? Infinity : Date.parse(c.end_at);
    return at >= start && at <= end;
  });
  return bounded.sort(([a], [b]) => a - b).map(([at, dst]) => ({ at, dst }));
}

// ---- The laws ---------------------------------------------------------------------------

describe('fire time laws', () => {
  it('agree with the Temporal oracle for every cadence type, zone and DST policy', () => {
    fc.assert(
      fc.property(cadence, instant, (input, from) => {
        const c = parse(input, from - 3 * MS_PER_DAY);
        const to = from + 40 * MS_PER_DAY;
        expect(ours(c, from, to)).toEqual(oracle(c, from, to));
      }),
      { numRuns: 300 },
    );
  });

  it('strictly increase and all lie after the starting instant', () => {
    fc.assert(
      fc.property(cadence, instant, (input, from) => {
        const c = parse(input, from);
        const times = ours(c, from, from + 400 * MS_PER_DAY).map((f) => f.at);
        expect(times[0] === undefined || times[0] > from).toBe(true);
        for (let i = 1; i < times.length; i++)
          expect(times[i]).toBeGreaterThan(times[i - 1] as number);
      }),
      { numRuns: 200 },
    );
  });

  it('continue seamlessly from any fire time (next after the k-th is the k+1-th)', () => {
    fc.assert(
      fc.property(cadence, instant, fc.integer({ min: 0, max: 20 }), (input, from, k) => {
        const c = parse(input, from);
        const list = ours(c, from, from + 120 * MS_PER_DAY);
        const pick = list[Math.min(k, list.length - 2)];
        if (pick === undefined) return;
        const resumed = new FireTimeCursor(compileCadence(c), pick.at).next();
        expect(resumed).toEqual(list[list.indexOf(pick) + 1]);
      }),
      { numRuns: 200 },
    );
  });

  it('fire a fixed-time daily cadence exactly once per local day under the default policy', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMED_ZONES, 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Tehran'),
        time,
        instant,
        (timezone, t, from) => {
          const c = parse({ type: 'calendar', frequency: 'daily', times: [t], timezone }, from);
          const fires = ours(c, from, from + 366 * MS_PER_DAY);
          // Name each fire by the local date it belongs to (a shifted time keeps its own date).
          const dates = fires.map((f) => {
            const local = Temporal.Instant.fromEpochMilliseconds(f.at)
              .toZonedDateTimeISO(timezone)
              .toPlainDateTime();
            const date = f.dst === 'shifted' ? local.subtract({ hours: 1 }) : local;
            return date.toPlainDate().toString();
          });
          expect(new Set(dates).size).toBe(dates.length);
          expect(dates.length).toBeGreaterThanOrEqual(365);
          expect(dates.length).toBeLessThanOrEqual(367);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keep an hourly cron hourly in real time in zones that shift by whole hours', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'America/New_York',
          'Europe/London',
          'Australia/Sydney',
          'America/Santiago',
          'Pacific/Chatham',
          'Europe/Berlin',
        ),
        instant,
        (timezone, from) => {
          const c = parse({ type: 'cron', expression: '0 * * * *', timezone }, from);
          const times = ours(c, from, from + 200 * MS_PER_DAY).map((f) => f.at);
          for (let i = 1; i < times.length; i++)
            expect((times[i] as number) - (times[i - 1] as number)).toBe(3_600_000);
        },
      ),
      { numRuns: 30 },
    );
  });
});
