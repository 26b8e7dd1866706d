// The ISO weekdays on which a cadence can fire: what a schedule reads back as `run_days`
// whatever its cadence type (SPEC section 2: "run_days lists the days on which it can fire").
import type { Cadence, IsoWeekday } from './cadence.ts';
import { ALL_DAYS } from './cadence.ts';
import { civilFromDays, daysInMonth, isoWeekday } from './civil-date.ts';
import { parseCron } from './cron-expression.ts';

// Two full years of days: every day-of-month rule meets every weekday it ever can.
const SPAN_DAYS = 2 * 366;

export function cadenceRunDays(cadence: Cadence, fromEpochDay: number): IsoWeekday[] {
  switch (cadence.type) {
    case 'interval':
      return [...cadence.run_days];
    case 'calendar':
      if (cadence.frequency === 'daily') return [...ALL_DAYS];
      if (cadence.frequency === 'weekly') return [...(cadence.days_of_week ?? [1])];
      return weekdaysWhere(fromEpochDay, (day) => {
        const { year, month, day: dom } = civilFromDays(day);
        const days = cadence.days_of_month ?? [1];
        return days.includes(dom) || (days.includes(-1) && dom === daysInMonth(year, month));
      });
    case 'cron': {
      const parsed = parseCron(cadence.expression);
      return parsed.ok
        ? weekdaysWhere(fromEpochDay, (day) => parsed.value.matchesDay(day))
        : [...ALL_DAYS];
    }
  }
}

function weekdaysWhere(from: number, matches: (day: number) => boolean): IsoWeekday[] {
  const found = new Set<IsoWeekday>();
  for (let day = from; day < from + SPAN_DAYS && found.size < 7; day++)
    if (matches(day)) found.add(isoWeekday(day) as IsoWeekday);
  return [...found].sort((a, b) => a - b);
}
