// Instants on the wire: ISO-8601 with `Z` or a numeric offset in, UTC with `Z` out (SPEC section 2).
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatCivilDate,
  MS_PER_DAY,
  MS_PER_MINUTE,
  pad2,
} from './civil-date.ts';

// Instants Rota accepts: wide enough for any schedule, narrow enough for the zone tables and
// for four-digit years in every formatted time.
const EARLIEST_INSTANT = Date.UTC(1900, 0, 1);
const LATEST_INSTANT = Date.UTC(2700, 0, 1);

export const isSupportedInstant = (ms: number): boolean =>
  ms >= EARLIEST_INSTANT && ms < LATEST_INSTANT;

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Epoch milliseconds of an ISO-8601 instant that carries `Z` or an offset; undefined otherwise. */
export function parseInstant(text: string): number | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  return (
    daysFromCivil(year, month, day) * MS_PER_DAY +
    ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 +
    millis
  );
}

function wallClock(localMs: number): string {
  const day = Math.floor(localMs / MS_PER_DAY);
  const secondOfDay = Math.floor((localMs - day * MS_PER_DAY) / 1000);
  const h = Math.floor(secondOfDay / 3600);
  const m = Math.floor((secondOfDay % 3600) / 60);
  return `${formatCivilDate(civilFromDays(day))}T${pad2(h)}:${pad2(m)}:${pad2(secondOfDay % 60)}`;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, with `.mmm` only when there are milliseconds (fire times have none). */
export function formatInstant(instantMs: number): string {
  const millis = ((instantMs % 1000) + 1000) % 1000;
  return `${wallClock(instantMs)}${millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`}Z`;
}

/** `YYYY-MM-DDTHH:MM:SS±HH:MM`: the instant's wall-clock time at the given UTC offset. */
export function formatLocalInstant(instantMs: number, offsetMs: number): string {
  const offsetMinutes = Math.round(offsetMs / MS_PER_MINUTE);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${wallClock(instantMs + offsetMs)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}
