// A cron expression in US English (SPEC section 2 "Summary"), phrased from its parsed structure
// rather than from its fire times, so "1-5" reads as a range and "1,2,3,4,5" as "weekdays".
// Returns undefined when the shape is too irregular; the caller then quotes the expression.
import type { CronPart, CronSchedule } from './cron-expression.ts';
import {
  describeDayList,
  formatClockTime,
  joinWithAnd,
  mondayFirst,
  monthName,
  ordinal,
  weekdayName,
} from './english-phrases.ts';

/** More listed times or days than this read as noise; such schedules fall back to the expression. */
const MAX_LISTED = 6;

/** The values from…to in steps. */
function stepped(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

/** Splits parts into listed values (steps expanded) and plain ranges; L-style parts are left out. */
function valuesAndRanges(
  parts: readonly CronPart[],
  min: number,
  max: number,
): { values: number[]; ranges: [number, number][] } {
  const values: number[] = [];
  const ranges: [number, number][] = [];
  for (const part of parts) {
    if (part.kind === 'value') values.push(part.value);
    else if (part.kind === 'any') values.push(...stepped(min, max, part.step));
    else if (part.kind === 'range' && part.step === 1 && part.from !== part.to) {
      ranges.push([part.from, part.to]);
    } else if (part.kind === 'range') values.push(...stepped(part.from, part.to, part.step));
  }
  return { values, ranges };
}

/** Ranges ("Monday through Friday") and single values as phrases, ordered by their first value. */
function inOrder(
  ranges: readonly (readonly [number, number])[],
  values: readonly number[],
  name: (value: number) => string,
  compare: (a: number, b: number) => number = (a, b) => a - b,
): string[] {
  const phrases = [
    ...ranges.map(([a, b]) => ({ first: a, text: `${name(a)} through ${name(b)}` })),
    ...[...new Set(values)].map((v) => ({ first: v, text: name(v) })),
  ];
  return phrases.sort((x, y) => compare(x.first, y.first)).map((p) => p.text);
}

/** The clock part: a repeating phrase ("Every 15 minutes") or a list of times ("9:00 AM"). */
type Times = { readonly repeat: string } | { readonly at: string };

function everyPhrase(minutes: number): string {
  if (minutes === 1) return 'minute';
  if (minutes === 60) return 'hour';
  if (minutes % 60 === 0) return `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

function describeTimes(minutesOfDay: readonly number[]): Times | undefined {
  const count = minutesOfDay.length;
  const first = minutesOfDay[0] ?? 0;
  const last = minutesOfDay[count - 1] ?? 0;
  const gap = (minutesOfDay[1] ?? 0) - first;
  const even = count >= 2 && minutesOfDay.every((m, i) => m === first + i * gap);
  const hours = new Set(minutesOfDay.map((m) => Math.floor(m / 60)));
  const pastTheHour = [...new Set(minutesOfDay.map((m) => m % 60))];
  // Offsets within the hour ("at 30 minutes past") read better than "from 12:30 AM".
  if (even && count * gap === 1440 && (first === 0 || (gap > 60 && gap % 60 === 0))) {
    const from = first === 0 ? '' : ` from ${formatClockTime(first)}`;
    return { repeat: `Every ${everyPhrase(gap)}${from}` };
  }
  if (hours.size === 24 && pastTheHour.length <= MAX_LISTED) {
    if (pastTheHour.length === 1 && first === 0) return { repeat: 'Every hour' };
    const unit = pastTheHour.length === 1 && first === 1 ? 'minute' : 'minutes';
    return { repeat: `Every hour at ${joinWithAnd(pastTheHour.map(String))} ${unit} past` };
  }
  if (count <= MAX_LISTED) return { at: joinWithAnd(minutesOfDay.map(formatClockTime)) };
  if (even) {
    const span = `${formatClockTime(first)} through ${formatClockTime(last)}`;
    return { repeat: `Every ${everyPhrase(gap)} from ${span}` };
  }
  return undefined;
}

/** "the 1st and 15th of the month", "the last day of the month"; "the month" is a placeholder. */
function describeDaysOfMonth(parts: readonly CronPart[]): string | undefined {
  if (parts.some((p) => p.kind === 'any' || (p.kind === 'range' && p.step !== 1))) return undefined;
  const { values, ranges } = valuesAndRanges(parts, 1, 31);
  const items = inOrder(ranges, values, ordinal);
  if (parts.some((p) => p.kind === 'last-day')) items.push('last day');
  return items.length <= MAX_LISTED ? `the ${joinWithAnd(items)} of the month` : undefined;
}

/** "Monday through Friday", "weekdays", "the last Friday of the month". */
function describeDaysOfWeek(parts: readonly CronPart[]): string {
  const { values, ranges } = valuesAndRanges(parts, 0, 6);
  const lasts = parts.flatMap((p) => (p.kind === 'last-weekday' ? [p.weekday] : []));
  // Only a pure list may read as "weekdays"/"weekends"; a range keeps its "through".
  const items =
    ranges.length === 0 && values.length > 0
      ? [describeDayList(values)]
      : inOrder(
          ranges,
          values.map((v) => v % 7),
          weekdayName,
          (a, b) => mondayFirst(a % 7, b % 7),
        );
  if (lasts.length > 0) {
    const names = [...new Set(lasts)].sort(mondayFirst).map(weekdayName);
    items.push(`the last ${joinWithAnd(names)} of the month`);
  }
  return joinWithAnd(items);
}

function describeMonths(parts: readonly CronPart[]): string {
  const { values, ranges } = valuesAndRanges(parts, 1, 12);
  const covered = new Set(values);
  for (const [a, b] of ranges) for (let m = a; m <= b; m++) covered.add(m);
  if (covered.size === 12) return '';
  return joinWithAnd(inOrder(ranges, values, monthName));
}

/** Whether a day field's value parts alone select every day (`*`, `1-31`, `0-6`…). */
function coversAll(parts: readonly CronPart[], min: number, max: number, days: number): boolean {
  const { values, ranges } = valuesAndRanges(parts, min, max);
  const covered = new Set(values.map((v) => (days === 7 ? v % 7 : v)));
  for (const [a, b] of ranges) for (let d = a; d <= b; d++) covered.add(days === 7 ? d % 7 : d);
  return covered.size === days;
}

/** "on Monday through Friday", "on the 1st of January", "in July"…; '' for each part that is free. */
function describeDays(schedule: CronSchedule): readonly string[] | undefined {
  const { dayOfMonth, dayOfWeek, month } = schedule.fields;
  const months = describeMonths(month);
  const inMonths = months === '' ? '' : `in ${months}`;
  const allDom = coversAll(dayOfMonth, 1, 31, 31);
  const allDow = coversAll(dayOfWeek, 0, 6, 7);
  const either = schedule.eitherDayMatches;
  if ((either && (allDom || allDow)) || (allDom && allDow)) return [inMonths];
  const dom = allDom ? '' : describeDaysOfMonth(dayOfMonth);
  const dow = allDow ? '' : describeDaysOfWeek(dayOfWeek);
  if (dom === undefined || dow === undefined) return undefined;
  if (either) return [`on ${dom} or on ${dow}`, inMonths];
  // Without Vixie's OR, both restricted means a stepped `*` day-of-month filtering weekdays.
  if (dom !== '' && dow !== '') return undefined;
  const onlyLastWeekdays = dayOfWeek.every((p) => p.kind === 'last-weekday');
  if (months !== '' && (dom !== '' || onlyLastWeekdays)) {
    // "the 1st of the month" in January reads better as "the 1st of January".
    return [`on ${(dom || dow).slice(0, -'the month'.length)}${months}`];
  }
  return [`on ${dom || dow}`, inMonths];
}

/** The schedule in words, without its time zone, or undefined when it is too irregular. */
export function describeCron(schedule: CronSchedule): string | undefined {
  const times = describeTimes(schedule.minutesOfDay);
  const days = describeDays(schedule);
  if (times === undefined || days === undefined) return undefined;
  const rest = days.filter((d) => d !== '');
  if ('repeat' in times) return [times.repeat, ...rest].join(' ');
  const daily = !rest.some((d) => d.startsWith('on '));
  return [`${daily ? 'Daily at' : 'At'} ${times.at}`, ...rest].join(' ');
}
