// The small helpers the fire-time tables share: instants as text in, fire times as text out.
// Not collected as a test file (vitest runs only *.test.ts).
import { parseCadence } from './cadence-parse.ts';
import { formatInstant, parseInstant } from './instant.ts';
import { compileCadence, nextFireTimes } from './next-fire-times.ts';

export const at = (text: string): number => parseInstant(text) as number;

/** The next `count` fire times after `from`, each marked "shifted" or "repeated" by DST. */
export function fires(cadence: Record<string, unknown>, from: string, count: number): string[] {
  const parsed = parseCadence(cadence, { reference: at(from) });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return nextFireTimes(compileCadence(parsed.value), at(from), count).map(
    (f) => `${formatInstant(f.at)}${f.dst ? ` ${f.dst}` : ''}`,
  );
}

export const daily = (time: string, timezone: string, dst_policy?: object) => ({
  type: 'calendar',
  frequency: 'daily',
  times: [time],
  timezone,
  ...(dst_policy && { dst_policy }),
});
export const cron = (expression: string, timezone: string, dst_policy?: object) => ({
  type: 'cron',
  expression,
  timezone,
  ...(dst_policy && { dst_policy }),
});
