// A schedule's cadence from an API body (SPEC section 2, seed compatibility): a `cadence` object,
// or the seed's top-level `tick_interval_hours`, `run_days`, `anchor_time` and `timezone`, which
// mean an interval cadence. Top-level fields that contradict a given cadence are refused.
import type { Cadence } from './cadence.ts';
import { parseCadence } from './cadence-parse.ts';
import { isObject } from './field-reader.ts';
import { issue, type Parsed, type ValidationIssue } from './validation-issue.ts';

/** The seed's top-level cadence fields. */
export const SHORTHAND_FIELDS = ['tick_interval_hours', 'run_days', 'anchor_time', 'timezone'];

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
 * alone change the stored cadence (turning it into an interval when they name interval fields).
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
  const intervalFields = Object.keys(shorthand).some((key) => key !== 'timezone');
  const base: Record<string, unknown> =
    stored.type === 'interval' || !intervalFields
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
