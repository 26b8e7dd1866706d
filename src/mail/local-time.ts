// Instants as people in the schedule's zone read them: "Sunday, March 14, 2027, 3:30 AM EDT".
import { civilFromDays, isoWeekday, MS_PER_DAY, MS_PER_MINUTE } from '../core/civil-date.ts';
import {
  formatClockTime,
  formatShortDate,
  monthName,
  weekdayName,
} from '../core/english-phrases.ts';
import { canonicalTimeZone, zoneRules } from '../core/time-zone.ts';
import { zoneLabel } from '../core/zone-label.ts';

interface LocalParts {
  readonly weekday: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly clock: string;
  readonly zone: string;
}

function localParts(instant: number, timeZone: string): LocalParts {
  const zone = canonicalTimeZone(timeZone) ?? 'UTC';
  const local = instant + zoneRules(zone, instant).offsetAt(instant);
  const epochDay = Math.floor(local / MS_PER_DAY);
  const { year, month, day } = civilFromDays(epochDay);
  return {
    weekday: weekdayName(isoWeekday(epochDay)),
    year,
    month,
    day,
    clock: formatClockTime(Math.floor((local - epochDay * MS_PER_DAY) / MS_PER_MINUTE)),
    zone: zoneLabel(zone, instant),
  };
}

/** "Sunday, March 14, 2027, 3:30 AM EDT". */
export function formatLongLocalTime(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${p.weekday}, ${monthName(p.month)} ${p.day}, ${p.year}, ${p.clock} ${p.zone}`;
}

/** "Mar 14, 2027, 3:30 AM EDT". */
export function formatShortLocalTime(instant: number, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${formatShortDate(p.year, p.month, p.day)}, ${p.clock} ${p.zone}`;
}

/** "850 ms", "42 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60)
    return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
