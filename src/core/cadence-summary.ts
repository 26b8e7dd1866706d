// The read-only sentence shown for every schedule (SPEC section 2 "Summary"): phrased from the
// cadence's structure in US English with a 12-hour clock, then the zone's label at the next fire.
import type { CalendarCadence, Cadence, IntervalCadence } from './cadence.ts';
import { ALL_DAYS, intervalMode } from './cadence.ts';
import { civilFromDays, parseCivilDate, parseLocalTime } from './civil-date.ts';
import { describeCron } from './cron-description.ts';
import {
  describeDayList,
  formatClockTime,
  formatShortDate,
  joinWithAnd,
  ordinal,
} from './english-phrases.ts';
import { parseCron } from './cron-expression.ts';
import { zoneLabel } from './zone-label.ts';

/** "9:00 AM" for a valid `HH:MM`; anything else is shown as given rather than hidden. */
const clockTime = (text: string): string => {
  const minute = parseLocalTime(text);
  return minute === undefined ? text : formatClockTime(minute);
};

/** Whether a day list names every weekday (an empty list is treated as unrestricted too). */
const everyDay = (days: readonly number[]): boolean =>
  days.length === 0 || ALL_DAYS.every((d) => days.includes(d));

function describeCalendar(cadence: CalendarCadence): string {
  const times = joinWithAnd(cadence.times.map(clockTime));
  switch (cadence.frequency) {
    case 'daily':
      return `Daily at ${times}`;
    case 'weekly': {
      const days = cadence.days_of_week ?? [1];
      return everyDay(days)
        ? `Daily at ${times}`
        : `Weekly on ${describeDayList(days)} at ${times}`;
    }
    case 'monthly': {
      const days = cadence.days_of_month ?? [1];
      const items = days.filter((d) => d > 0).map(ordinal);
      if (items.length > 0) items[0] = `the ${items[0]}`;
      if (days.includes(-1)) items.push('the last day');
      return `Monthly on ${joinWithAnd(items)} at ${times}`;
    }
  }
}

/** "Nov 23, 2026" for a `YYYY-MM-DD`. */
function shortDate(text: string): string {
  const epochDay = parseCivilDate(text);
  if (epochDay === undefined) return text;
  const { year, month, day } = civilFromDays(epochDay);
  return formatShortDate(year, month, day);
}

function describeInterval(cadence: IntervalCadence): string {
  const hours = cadence.tick_interval_hours;
  const anchor = parseLocalTime(cadence.anchor_time) ?? 0;
  const onDays = everyDay(cadence.run_days) ? '' : ` on ${describeDayList(cadence.run_days)}`;
  switch (intervalMode(hours)) {
    case 'days': {
      const days = hours / 24;
      const every = days === 1 ? 'Daily' : `Every ${days} days`;
      return `${every} at ${formatClockTime(anchor)}${onDays}`;
    }
    case 'hours_of_day': {
      // It fires at anchor + k × interval through the whole day, so name the day's first time.
      const first = anchor % (hours * 60);
      const every = hours === 1 ? 'Every hour' : `Every ${hours} hours`;
      return `${every} from ${formatClockTime(first)}${onDays}`;
    }
    case 'elapsed': {
      const origin = `${formatClockTime(anchor)} on ${shortDate(cadence.origin_date)}`;
      return `Every ${hours} hours from ${origin}${onDays === '' ? '' : `, only${onDays}`}`;
    }
  }
}

function describeCadence(cadence: Cadence): string {
  switch (cadence.type) {
    case 'calendar':
      return describeCalendar(cadence);
    case 'interval':
      return describeInterval(cadence);
    case 'cron': {
      const parsed = parseCron(cadence.expression);
      const phrase = parsed.ok ? describeCron(parsed.value) : undefined;
      return phrase ?? `Cron "${cadence.expression}"`;
    }
  }
}

/**
 * The schedule's human sentence, e.g. "Weekly on Monday and Thursday at 9:00 AM EDT".
 * `referenceInstantMs` (the next fire time) picks the zone's label, such as PST or PDT.
 */
export function summarizeCadence(cadence: Cadence, referenceInstantMs: number): string {
  return `${describeCadence(cadence)} ${zoneLabel(cadence.timezone, referenceInstantMs)}`;
}
