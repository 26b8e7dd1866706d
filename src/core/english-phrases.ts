// US-English phrasing shared by schedule summaries and cron descriptions: a 12-hour clock,
// lists joined with "and", ordinals, weekday and month names.

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** "9:00 AM", "12:00 AM" (midnight), "12:30 PM". */
export function formatClockTime(minuteOfDay: number): string {
  const hour = Math.floor(minuteOfDay / 60);
  const minute = String(minuteOfDay % 60).padStart(2, '0');
  return `${hour % 12 === 0 ? 12 : hour % 12}:${minute} ${hour < 12 ? 'AM' : 'PM'}`;
}

/** "a", "a and b", "a, b and c". */
export const joinWithAnd = (items: readonly string[]): string => joinWith(items, 'and');

/** "a", "a or b", "a, b or c". */
export const joinWithOr = (items: readonly string[]): string => joinWith(items, 'or');

function joinWith(items: readonly string[], word: string): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1] ?? ''}`;
}

/** "1st", "2nd", "3rd", "11th", "22nd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** A weekday's name; 0 and 7 are both Sunday, so ISO (1–7) and cron (0–7) numbers both work. */
export const weekdayName = (day: number): string => DAY_NAMES[day % 7] ?? '';

/** Orders weekday numbers (0 or 7 = Sunday) Monday first. */
export const mondayFirst = (a: number, b: number): number => ((a + 6) % 7) - ((b + 6) % 7);

/** A list of weekdays: "weekdays" for exactly Monday–Friday, "weekends", else "Monday and Friday". */
export function describeDayList(days: readonly number[]): string {
  const distinct = [...new Set(days.map((d) => d % 7))].sort(mondayFirst);
  const key = distinct.join(',');
  if (key === '1,2,3,4,5') return 'weekdays';
  if (key === '6,0') return 'weekends';
  return joinWithAnd(distinct.map(weekdayName));
}

/** "January" for 1 … "December" for 12. */
export const monthName = (month: number): string => MONTH_NAMES[month - 1] ?? '';

const SHORT_MONTHS = MONTH_NAMES.map((m) => m.slice(0, 3));

/** "Nov 23, 2026". */
export const formatShortDate = (year: number, month: number, day: number): string =>
  `${SHORT_MONTHS[month - 1] ?? ''} ${day}, ${year}`;
