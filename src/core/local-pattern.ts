// A cadence seen in local wall-clock time: which local dates match, and at which minutes of the
// day. Every cadence but an elapsed-time interval reduces to one of these; the DST policy then
// maps each local time to instants (next-fire-times.ts).
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isoWeekday,
  MINUTES_PER_DAY,
  parseCivilDate,
  parseLocalTime,
} from './civil-date.ts';
import type { CalendarCadence, IntervalCadence, IsoWeekday } from './cadence.ts';
import type { CronSchedule } from './cron-expression.ts';

export interface LocalPattern {
  /** The first matching epoch day in [fromDay, untilDay), or undefined. */
  firstDay(fromDay: number, untilDay: number): number | undefined;
  /** Sorted minutes of the day at which it fires on a matching day. */
  minutesOf(day: number): readonly number[];
  /**
   * True when the times are fixed wall-clock times, governed by the dst_policy. False for
   * every-hour cadences, which fire on both passes of a repeated hour and shift out of gaps.
   */
  readonly fixedTime: boolean;
  /** Local minutes (epoch-day × 1440 + minute) before which it never fires: the interval origin. */
  readonly originMinute: number;
}

/** ISO weekdays as bits 1…7 of a mask. */
export const weekdayMask = (days: readonly IsoWeekday[]): number =>
  days.reduce((m, d) => m | (1 << d), 0);

/** An interval's origin in local minutes (epoch day × 1440 + minute of the day). */
export const intervalOriginMinute = (cadence: IntervalCadence): number =>
  (parseCivilDate(cadence.origin_date) ?? 0) * MINUTES_PER_DAY +
  (parseLocalTime(cadence.anchor_time) ?? 0);

const minutes = (times: readonly string[]): number[] =>
  [...new Set(times.map((t) => parseLocalTime(t) ?? 0))].sort((a, b) => a - b);

function firstDayInMask(mask: number, fromDay: number, untilDay: number): number | undefined {
  for (let d = fromDay; d < untilDay && d < fromDay + 7; d++) {
    if (mask & (1 << isoWeekday(d))) return d;
  }
  return undefined;
}

function monthlyFirstDay(
  daysOfMonth: readonly number[],
  fromDay: number,
  untilDay: number,
): number | undefined {
  let { year, month, day } = civilFromDays(fromDay);
  // Any day of month 1…31, and the last day, occurs within two consecutive months.
  for (let i = 0; i < 3; i++) {
    const last = daysInMonth(year, month);
    let best = Infinity;
    for (const dom of daysOfMonth) {
      const d = dom === -1 ? last : dom;
      if (d <= last && d >= day && d < best) best = d;
    }
    if (best !== Infinity) {
      const epochDay = daysFromCivil(year, month, best);
      return epochDay < untilDay ? epochDay : undefined;
    }
    day = 1;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
    if (daysFromCivil(year, month, 1) >= untilDay) return undefined;
  }
  return undefined;
}

export function calendarPattern(cadence: CalendarCadence): LocalPattern {
  const times = minutes(cadence.times);
  const base = { minutesOf: () => times, fixedTime: true, originMinute: -Infinity };
  switch (cadence.frequency) {
    case 'daily':
      return { ...base, firstDay: (from, until) => (from < until ? from : undefined) };
    case 'weekly': {
      const mask = weekdayMask(cadence.days_of_week ?? [1]);
      return { ...base, firstDay: (from, until) => firstDayInMask(mask, from, until) };
    }
    case 'monthly': {
      const days = cadence.days_of_month ?? [1];
      return { ...base, firstDay: (from, until) => monthlyFirstDay(days, from, until) };
    }
  }
}

/** Interval cadences counted in local days or local hours of the day (not elapsed time). */
export function intervalPattern(cadence: IntervalCadence): LocalPattern {
  const hours = cadence.tick_interval_hours;
  const originMinute = intervalOriginMinute(cadence);
  const originDay = Math.floor(originMinute / MINUTES_PER_DAY);
  const anchor = originMinute - originDay * MINUTES_PER_DAY;
  const mask = weekdayMask(cadence.run_days);
  if (hours % 24 === 0) {
    const every = hours / 24;
    const times = [anchor];
    return {
      fixedTime: true,
      originMinute,
      minutesOf: () => times,
      firstDay(from, until) {
        let k = Math.max(0, Math.ceil((from - originDay) / every));
        // Weekdays of originDay + k·every repeat within 7 steps.
        for (let i = 0; i < 7; i++, k++) {
          const d = originDay + k * every;
          if (d >= until) return undefined;
          if (mask & (1 << isoWeekday(d))) return d;
        }
        return undefined;
      },
    };
  }
  const step = hours * 60;
  const times = [
    ...new Set(Array.from({ length: 24 / hours }, (_, j) => (anchor + j * step) % MINUTES_PER_DAY)),
  ].sort((a, b) => a - b);
  return {
    fixedTime: false,
    originMinute,
    minutesOf: () => times,
    firstDay: (from, until) => firstDayInMask(mask, Math.max(from, originDay), until),
  };
}

export function cronPattern(schedule: CronSchedule): LocalPattern {
  return {
    fixedTime: schedule.hourIsFixed,
    originMinute: -Infinity,
    minutesOf: () => schedule.minutesOfDay,
    firstDay: (from, until) => schedule.firstMatchingDay(from, until),
  };
}
