// A schedule's cadence from an API body (SPEC section 2, seed compatibility): a `cadence` object,
// or the seed's top-level `tick_interval_hours`, `run_days`, `anchor_time` and `timezone`, which
// mean an interval cadence. Top-level fields that contradict a given cadence are refused, and so
// are interval fields alone on a schedule of another kind: a change of kind is never implied.
import type { Cadence } from './cadence.ts';
import { parseCadence } from './cadence-parse.ts';
import { summarizeCadence } from './cadence-summary.ts';
import { isObject } from './field-reader.ts';
import { compileCadence, nextFireTime } from './next-fire-times.ts';
import { issue, type Parsed, type ValidationIssue } from './validation-issue.ts';

/** The seed's top-level cadence fields. */
export const SHORTHAND_FIELDS = ['tick_interval_hours', 'run_days', 'anchor_time', 'timezone'];

/** The top-level fields that describe an interval; `timezone` belongs to every cadence. */
const INTERVAL_FIELDS = ['tick_interval_hours', 'run_days', 'anchor_time'];

export interface ScheduleCadenceInput {
  readonly cadence?: unknown;
  readonly tick_interval_hours?: unknown;
  readonly run_days?: unknown;
  readonly anchor_time?: unknown;
  readonly timezone?: unknown;
}

const given = (input: ScheduleCadenceInput): Record<string, unknown> =>
  Object.fromEntries(
    SHORTHAND_FIELDS.flatMap((key) => {
      const value = input[key as keyof ScheduleCadenceInput];
      return value === undefined ? [] : [[key, value]];
    }),
  );

const prefixed = (errors: readonly ValidationIssue[], base: string): ValidationIssue[] =>
  errors.map((e) => ({ ...e, field: `${base}${e.field}` }));

/**
 * The cadence a new schedule gets. `reference` is the instant it is saved: it resolves an
 * interval's origin. Error fields point into the body (`/cadence/...` or the top-level field).
 */
export function resolveScheduleCadence(
  input: ScheduleCadenceInput,
  reference: number,
): Parsed<Cadence> {
  const shorthand = given(input);
  if (input.cadence === undefined || input.cadence === null) {
    const parsed = parseCadence({ type: 'interval', ...shorthand }, { reference });
    return parsed.ok ? parsed : { ok: false, errors: prefixed(parsed.errors, '') };
  }
  if (!isObject(input.cadence)) {
    const parsed = parseCadence(input.cadence, { reference });
    return parsed.ok ? parsed : { ok: false, errors: prefixed(parsed.errors, '/cadence') };
  }
  const cadence: Record<string, unknown> = { ...input.cadence };
  const errors: ValidationIssue[] = [];
  for (const [key, value] of Object.entries(shorthand)) {
    const inside = cadence[key];
    // The top-level timezone is a shorthand for the cadence's own (SPEC section 2).
    if (key === 'timezone' && inside === undefined) cadence.timezone = value;
    else if (JSON.stringify(inside) !== JSON.stringify(value))
      errors.push(
        issue(
          `/${key}`,
          'field_not_allowed',
          inside === undefined
            ? `${key} does not belong beside ${describeCadence(cadence.type)}; remove it or put the cadence's fields in "cadence".`
            : `${key} contradicts cadence.${key}; give it once, inside "cadence".`,
        ),
      );
  }
  const parsed = parseCadence(cadence, { reference });
  if (!parsed.ok) errors.push(...prefixed(parsed.errors, '/cadence'));
  return errors.length > 0 ? { ok: false, errors } : parsed;
}

/** "an interval cadence", "a cron cadence"; "the cadence" when its type is missing or unknown. */
function describeCadence(type: unknown): string {
  if (type === 'interval') return 'an interval cadence';
  if (type === 'calendar' || type === 'cron') return `a ${type} cadence`;
  return 'the cadence';
}

/**
 * The cadence after a partial update: a new `cadence` replaces the old one; top-level fields
 * alone change the stored cadence's own fields (`timezone` on any cadence). Interval fields on a
 * calendar or cron schedule are refused, each on its field, naming the current cadence: a change
 * of kind takes the whole new cadence, as `cadence` or as all three interval fields together.
 */
export function updateScheduleCadence(
  stored: Cadence,
  input: ScheduleCadenceInput,
  reference: number,
): Parsed<Cadence> | undefined {
  const shorthand = given(input);
  if (input.cadence !== undefined && input.cadence !== null)
    return resolveScheduleCadence(input, reference);
  if (Object.keys(shorthand).length === 0) return undefined;
  const intervalFields = INTERVAL_FIELDS.filter((key) => key in shorthand);
  const wholeInterval = intervalFields.length === INTERVAL_FIELDS.length;
  if (stored.type !== 'interval' && intervalFields.length > 0 && !wholeInterval)
    return { ok: false, errors: intervalFields.map((key) => kindChange(stored, key, reference)) };
  const base: Record<string, unknown> =
    stored.type === 'interval' || !wholeInterval
      ? { ...stored }
      : {
          type: 'interval',
          timezone: stored.timezone,
          dst_policy: stored.dst_policy,
          start_at: stored.start_at,
          end_at: stored.end_at,
          jitter_seconds: stored.jitter_seconds,
        };
  // A new anchor starts counting again from the day of the change.
  if (shorthand.anchor_time !== undefined) delete base.origin_date;
  const parsed = parseCadence({ ...base, ...shorthand }, { reference });
  return parsed.ok ? parsed : { ok: false, errors: prefixed(parsed.errors, '') };
}

/** An interval field sent alone to a calendar or cron schedule, refused with the schedule's cadence. */
function kindChange(stored: Cadence, key: string, reference: number): ValidationIssue {
  const kind =
    stored.type === 'calendar' ? `a ${stored.frequency} calendar cadence` : 'a cron cadence';
  const next = nextFireTime(compileCadence(stored), reference)?.at ?? reference;
  return issue(
    `/${key}`,
    'field_not_allowed',
    `This schedule runs on ${kind} ("${summarizeCadence(stored, next)}"); ${key} belongs to an ` +
      'interval cadence. To change it to an interval, send the whole new cadence: "cadence", or ' +
      'tick_interval_hours, run_days and anchor_time together.',
  );
}
