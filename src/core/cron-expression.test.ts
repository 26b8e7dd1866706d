import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Cron } from 'croner';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  MS_PER_DAY,
  MS_PER_MINUTE,
} from './civil-date.ts';
import { DAY_NAMES, MONTH_NAMES, parseCron } from './cron-expression.ts';
import type { CronSchedule } from './cron-expression.ts';

function compile(text: string): CronSchedule {
  const parsed = parseCron(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

function errorsOf(text: string): string[] {
  const parsed = parseCron(text);
  if (parsed.ok) throw new Error(`expected ${text} to be rejected`);
  for (const e of parsed.errors) expect([e.field, e.code]).toEqual(['', 'invalid_cron']);
  return parsed.errors.map((e) => e.message);
}

const day = (y: number, m: number, d: number): number => daysFromCivil(y, m, d);
const ymd = (epochDay: number | undefined): string | undefined => {
  if (epochDay === undefined) return undefined;
  const c = civilFromDays(epochDay);
  return `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
};

/** The first fire instant strictly after `afterMs`, walking days in UTC. */
function nextFire(schedule: CronSchedule, afterMs: number): number | undefined {
  const minute = Math.floor(afterMs / MS_PER_MINUTE) + 1;
  const today = Math.floor(minute / 1440);
  const later = schedule.matchesDay(today)
    ? schedule.firstMinuteAtOrAfter(minute - today * 1440)
    : undefined;
  if (later !== undefined) return (today * 1440 + later) * MS_PER_MINUTE;
  const next = schedule.firstMatchingDay(today + 1, today + 1 + 146_097);
  const first = schedule.minutesOfDay[0];
  return next === undefined || first === undefined
    ? undefined
    : (next * 1440 + first) * MS_PER_MINUTE;
}

describe('parseCron', () => {
  it.each([
    ['0 9 * * 1-5', '0 9 * * 1-5', [540]],
    ['  30\t 8   * * *  ', '30 8 * * *', [510]],
    ['@yearly', '0 0 1 1 *', [0]],
    ['@ANNUALLY', '0 0 1 1 *', [0]],
    ['@monthly', '0 0 1 * *', [0]],
    ['@Weekly', '0 0 * * 0', [0]],
    ['@daily', '0 0 * * *', [0]],
    ['@midnight', '0 0 * * *', [0]],
    ['@hourly', '0 * * * *', Array.from({ length: 24 }, (_, h) => h * 60)],
    ['*/20 1,3 * * *', '*/20 1,3 * * *', [60, 80, 100, 180, 200, 220]],
    ['50/5 23 * * *', '50/5 23 * * *', [1430, 1435]],
    ['0-10/5 0 * * *', '0-10/5 0 * * *', [0, 5, 10]],
    ['0 0 L * *', '0 0 L * *', [0]],
    ['0 0 1,L * *', '0 0 1,L * *', [0]],
    ['0 0 * * 5L', '0 0 * * 5L', [0]],
    ['0 0 * * 1,0L', '0 0 * * 1,0L', [0]],
    ['0 12 * jan-MAR Mon,fri', '0 12 * jan-MAR Mon,fri', [720]],
  ])('accepts %j as %j', (text, expression, minutes) => {
    const schedule = compile(text);
    expect(schedule.expression).toBe(expression);
    expect(schedule.minutesOfDay).toEqual(minutes);
  });

  it('fires every minute of the day for * * * * *', () => {
    const schedule = compile('* * * * *');
    expect(schedule.minutesOfDay).toHaveLength(1440);
    expect(schedule.firstMinuteAtOrAfter(1439)).toBe(1439);
  });

  it.each([
    ['', 'cron expression is empty'],
    ['   ', 'cron expression is empty'],
    ['@reboot', 'shorthand "@reboot" is not supported'],
    ['@daily 1', 'is not supported'],
    ['0 0 * * * *', 'found 6; seconds and years are not supported'],
    ['0 0 0 * * * 2030', 'found 7'],
    ['0 0 *', 'found 3'],
    ['0 0 1#2 * *', '"#" (nth weekday of the month) is not supported'],
    ['0 0 * * 1#2', 'day-of-week field: "#"'],
    ['0 0 15W * *', 'day-of-month field: "W" (nearest weekday) is not supported'],
    ['0 0 LW * *', '"W" (nearest weekday) is not supported'],
    ['0 0 ? * 1', 'day-of-month field: "?" is not supported'],
    ['0 0 * * L', 'day-of-week field: bare "L" is not supported'],
    ['0 L * * *', 'hour field: "L": "L" is allowed only in day-of-month and day-of-week'],
    ['0 0 * * 8L', 'day-of-week field: "8L": n in nL must be 0–7'],
    ['0 0 L/2 * *', '"L" takes no step'],
    ['0 0 * * 5L/2', '"nL" takes no step'],
    ['5-1 * * * *', 'minute field: range "5-1" is reversed'],
    ['* * * * FRI-MON', 'day-of-week field: range "FRI-MON" is reversed'],
    ['*/0 * * * *', 'minute field: step "0" in "*/0" must be at least 1'],
    ['*/61 * * * *', 'minute field: step "61" in "*/61" is larger than 60'],
    ['* */x * * *', 'hour field: step "x" in "*/x" is not a number'],
    ['* 1/2/3 * * *', 'hour field: "1/2/3" has more than one "/"'],
    ['60 * * * *', 'minute field: "60" is out of range 0–59'],
    ['* 24 * * *', 'hour field: "24" is out of range 0–23'],
    ['* * 0 * *', 'day-of-month field: "0" is out of range 1–31'],
    ['* * 32 * *', 'day-of-month field: "32" is out of range 1–31'],
    ['* * * 13 *', 'month field: "13" is out of range 1–12'],
    ['* * * 0 *', 'month field: "0" is out of range 1–12'],
    ['0 0 * * 8', 'day-of-week field: "8" is out of range 0–7'],
    ['* * * JANUARY *', 'month field: "JANUARY" is not a number or a month name'],
    ['* * * * MONDAY', 'day-of-week field: "MONDAY" is not a number or a day name'],
    ['* * MON * *', 'day-of-month field: "MON" is not a number'],
    ['1,,2 * * * *', 'minute field: "1,,2" has an empty list element'],
    ['1, * * * *', 'minute field: "1," has an empty list element'],
    ['1-2-3 * * * *', 'minute field: "1-2-3" is not a valid range'],
    ['-1 * * * *', 'minute field: "" is not a number'],
    ['+1 * * * *', 'minute field: "+1" is not a number'],
    ['garbage in here now ok', 'minute field: "garbage" is not a number'],
  ])('rejects %j', (text, message) => {
    expect(errorsOf(text).join('\n')).toContain(message);
  });

  it('reports a problem for every bad field at once', () => {
    const errors = errorsOf('60 24 0 13 8');
    expect(errors.map((e) => e.split(' field')[0])).toEqual([
      'minute',
      'hour',
      'day-of-month',
      'month',
      'day-of-week',
    ]);
  });

  it('never throws, whatever the input', () => {
    const cronish = fc
      .array(
        fc.constantFrom(...'0123456789*/-,LW#? \tJANMONSUNFRIjanxyz@'.split(''), '@daily', '7L'),
        { maxLength: 30 },
      )
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), cronish), (text) => {
        const parsed = parseCron(text);
        expect(parsed.ok || parsed.errors.length > 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('treats day-of-week 0, 7 and SUN alike', () => {
    const sunday = day(2027, 1, 3);
    for (const text of [
      '0 0 * * 0',
      '0 0 * * 7',
      '0 0 * * sun',
      '0 0 * * 6-7',
      '0 0 * * FRI-SUN',
    ]) {
      const schedule = compile(text);
      expect(schedule.matchesDay(sunday)).toBe(true);
      expect(schedule.matchesDay(sunday + 1)).toBe(false);
    }
  });

  it('reads month and day names case-insensitively, also in ranges and lists', () => {
    expect(compile('0 0 * Jan-mar,JUL * ').fields.month).toEqual([
      { kind: 'range', from: 1, to: 3, step: 1 },
      { kind: 'value', value: 7 },
    ]);
    expect(compile('0 0 * * sat,SUN').fields.dayOfWeek).toEqual([
      { kind: 'value', value: 6 },
      { kind: 'value', value: 0 },
    ]);
    expect(compile('0 0 * * 7').fields.dayOfWeek).toEqual([{ kind: 'value', value: 0 }]);
    expect(compile('0 0 * * sun-sun').fields.dayOfWeek).toEqual([
      { kind: 'range', from: 0, to: 0, step: 1 },
    ]);
    expect(compile('0 0 * * sat-sun').fields.dayOfWeek).toEqual([
      { kind: 'range', from: 6, to: 7, step: 1 },
    ]);
  });

  it('counts the hour as fixed unless it is * or a step', () => {
    expect(compile('0 9 * * *').hourIsFixed).toBe(true);
    expect(compile('*/30 1 * * *').hourIsFixed).toBe(true);
    expect(compile('0 1-3,5 * * *').hourIsFixed).toBe(true);
    expect(compile('0 * * * *').hourIsFixed).toBe(false);
    expect(compile('0 */2 * * *').hourIsFixed).toBe(false);
    expect(compile('0 1-11/2 * * *').hourIsFixed).toBe(false);
    expect(compile('@hourly').hourIsFixed).toBe(false);
  });
});

describe('day matching', () => {
  it('fires on Feb 29 in leap years and Feb 28 otherwise for L in February', () => {
    const schedule = compile('0 0 L 2 *');
    expect(ymd(schedule.firstMatchingDay(day(2027, 1, 1), day(2100, 1, 1)))).toBe('2027-02-28');
    expect(ymd(schedule.firstMatchingDay(day(2028, 1, 1), day(2100, 1, 1)))).toBe('2028-02-29');
    expect(ymd(schedule.firstMatchingDay(day(2100, 1, 1), day(2200, 1, 1)))).toBe('2100-02-28');
    expect(ymd(schedule.firstMatchingDay(day(2000, 1, 1), day(2001, 1, 1)))).toBe('2000-02-29');
  });

  it('skips Feb 29 for a century that is not a leap year', () => {
    const schedule = compile('0 0 29 2 *');
    expect(ymd(schedule.firstMatchingDay(day(2097, 1, 1), day(2200, 1, 1)))).toBe('2104-02-29');
  });

  it('finds the last day of 30-day, 31-day and February months', () => {
    const schedule = compile('0 0 L * *');
    expect(schedule.matchesDay(day(2027, 4, 30))).toBe(true);
    expect(schedule.matchesDay(day(2027, 4, 29))).toBe(false);
    expect(schedule.matchesDay(day(2027, 5, 30))).toBe(false);
    expect(schedule.matchesDay(day(2027, 5, 31))).toBe(true);
    expect(schedule.matchesDay(day(2028, 2, 28))).toBe(false);
    expect(schedule.matchesDay(day(2028, 2, 29))).toBe(true);
  });

  it('finds the last Friday of each month with 5L', () => {
    const schedule = compile('0 17 * * 5L');
    const fridays: string[] = [];
    let from = day(2027, 1, 1);
    for (let i = 0; i < 4; i++) {
      const found = schedule.firstMatchingDay(from, from + 400);
      fridays.push(ymd(found) ?? '');
      from = (found ?? from) + 1;
    }
    expect(fridays).toEqual(['2027-01-29', '2027-02-26', '2027-03-26', '2027-04-30']);
  });

  it('finds the last Sunday of February in a leap year with 0L and 7L', () => {
    // Feb 2032 has 29 days and Feb 29, 2032 is a Sunday.
    for (const text of ['0 0 * 2 0L', '0 0 * 2 7L']) {
      const schedule = compile(text);
      expect(ymd(schedule.firstMatchingDay(day(2032, 1, 1), day(2033, 1, 1)))).toBe('2032-02-29');
    }
  });

  it('fires on days matching either field when both are restricted (Vixie)', () => {
    const schedule = compile('0 0 13 * 5');
    expect(schedule.eitherDayMatches).toBe(true);
    expect(schedule.matchesDay(day(2027, 1, 13))).toBe(true); // a Wednesday
    expect(schedule.matchesDay(day(2027, 1, 15))).toBe(true); // a Friday
    expect(schedule.matchesDay(day(2027, 1, 14))).toBe(false);
  });

  it('requires both fields when day-of-month starts with * even if it steps', () => {
    const schedule = compile('0 0 */2 * 1');
    expect(schedule.eitherDayMatches).toBe(false);
    expect(schedule.matchesDay(day(2027, 1, 11))).toBe(true); // Monday the 11th
    expect(schedule.matchesDay(day(2027, 1, 4))).toBe(false); // Monday the 4th
    expect(schedule.matchesDay(day(2027, 1, 13))).toBe(false); // Wednesday the 13th
  });

  it('combines L and nL with other days as list elements', () => {
    const schedule = compile('0 0 1,L * *');
    expect(schedule.matchesDay(day(2027, 6, 1))).toBe(true);
    expect(schedule.matchesDay(day(2027, 6, 30))).toBe(true);
    expect(schedule.matchesDay(day(2027, 6, 15))).toBe(false);
    const weekdays = compile('0 0 * * 1,5L');
    expect(weekdays.matchesDay(day(2027, 6, 7))).toBe(true); // a Monday
    expect(weekdays.matchesDay(day(2027, 6, 25))).toBe(true); // the last Friday
    expect(weekdays.matchesDay(day(2027, 6, 18))).toBe(false); // an earlier Friday
  });

  it('returns undefined for a day that never exists, and for an empty window', () => {
    const schedule = compile('0 0 31 2 *');
    expect(schedule.firstMatchingDay(0, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(compile('* * * * *').firstMatchingDay(10, 10)).toBeUndefined();
    expect(compile('0 0 1 1 *').firstMatchingDay(day(2027, 1, 2), day(2028, 1, 1))).toBeUndefined();
  });

  it('matches L and nL exactly as their definitions say', () => {
    const expression = fc.record({
      dom: fc.constantFrom('*', 'L', '1,L', '15'),
      dow: fc.constantFrom('*', '5L', '0L,3', '7L', '1-2,6L'),
    });
    fc.assert(
      fc.property(expression, fc.integer({ min: -50_000, max: 150_000 }), ({ dom, dow }, d) => {
        const schedule = compile(`0 0 ${dom} * ${dow}`);
        const { year, month, day: date } = civilFromDays(d);
        const length = daysInMonth(year, month);
        const weekday = new Date(d * MS_PER_DAY).getUTCDay();
        const domHit =
          dom === '*' ||
          dom.split(',').some((e) => (e === 'L' ? date === length : Number(e) === date));
        const dowHit =
          dow === '*' ||
          dow.split(',').some((e) => {
            if (e.endsWith('L')) return Number(e.slice(0, -1)) % 7 === weekday && date + 7 > length;
            const [a, b = a] = e.split('-').map(Number);
            return weekday >= (a ?? 0) && weekday <= (b ?? 0);
          });
        const expected = dom !== '*' && dow !== '*' ? domHit || dowHit : domHit && dowHit;
        expect(schedule.matchesDay(d)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the same first matching day as a day-by-day scan', () => {
    const expression = fc.record({
      dom: fc.constantFrom('*', 'L', '1,L', '29', '31', '*/10', '5-9'),
      month: fc.constantFrom('*', '2', '1,7', '*/5', 'FEB-APR'),
      dow: fc.constantFrom('*', '5L', '0,6', '1-5', '*/3', '2L,4'),
    });
    fc.assert(
      fc.property(
        expression,
        fc.integer({ min: -50_000, max: 150_000 }),
        fc.integer({ min: 0, max: 800 }),
        ({ dom, month, dow }, from, span) => {
          const schedule = compile(`0 0 ${dom} ${month} ${dow}`);
          let expected: number | undefined;
          for (let d = from; d < from + span; d++) {
            if (schedule.matchesDay(d)) {
              expected = d;
              break;
            }
          }
          expect(schedule.firstMatchingDay(from, from + span)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('agreement with croner', () => {
  const MONTHS = MONTH_NAMES;
  // Day 7 is Sunday again.
  const DAYS = [...DAY_NAMES, 'SUN'];

  /** Random elements of a field; `stepMax` is where `a/n` stops (croner stops day-of-week at 6). */
  function element(
    min: number,
    max: number,
    stepMax: number,
    names?: readonly string[],
  ): fc.Arbitrary<string> {
    const value = fc.integer({ min, max });
    const isDow = names !== undefined && min === 0;
    const name = (v: number): string => (names ? (names[v - min] ?? String(v)) : String(v));
    const maybeName = (v: number): fc.Arbitrary<string> =>
      names ? fc.constantFrom(String(v), name(v).toLowerCase(), name(v)) : fc.constant(String(v));
    const span = stepMax - min + 1;
    const step = fc.integer({ min: 1, max: span });
    const ordered = fc
      .tuple(value, value)
      .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
    return fc.oneof(
      fc.constant('*'),
      step.map((n) => `*/${n}`),
      value.chain(maybeName),
      // croner reads `SUN-SUN` as the whole week (0-7); Rota reads it as Sunday.
      ordered.chain(([a, b]) =>
        fc
          .tuple(
            isDow && a === 7 ? fc.constant('7') : maybeName(a),
            isDow && a === 0 ? fc.constant(String(b)) : maybeName(b),
          )
          .map(([x, y]) => `${x}-${y}`),
      ),
      fc.tuple(ordered, step).map(([[a, b], n]) => `${a}-${b}/${n}`),
      fc.tuple(fc.integer({ min, max: stepMax }), step).map(([a, n]) => `${a}/${n}`),
    );
  }
  const field = (arb: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    fc.array(arb, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(','));
  const expression = fc
    .tuple(
      field(element(0, 59, 59)),
      field(element(0, 23, 23)),
      field(element(1, 31, 31)),
      field(element(1, 12, 12, MONTHS)),
      field(element(0, 7, 6, DAYS)),
    )
    .map((fields) => fields.join(' '));

  it('matches the same next fire times in UTC for expressions without L', () => {
    fc.assert(
      fc.property(expression, fc.integer({ min: 0, max: Date.UTC(2300, 0, 1) }), (text, start) => {
        const schedule = compile(text);
        // Vixie cron: a day matching either field fires when neither day field starts with `*`.
        const [, , dom, , dow] = text.split(' ');
        const eitherDayMatches = !dom!.startsWith('*') && !dow!.startsWith('*');
        const cron = new Cron(text, {
          timezone: 'UTC',
          mode: '5-part',
          sloppyRanges: true,
          domAndDow: !eitherDayMatches,
        });
        let ours: number | undefined = start;
        let theirs: Date | null = new Date(start);
        for (let i = 0; i < 5 && ours !== undefined && theirs !== null; i++) {
          ours = nextFire(schedule, ours);
          theirs = cron.nextRun(theirs);
          expect(ours, text).toBe(theirs?.getTime());
        }
      }),
      { numRuns: 400 },
    );
  });
});
