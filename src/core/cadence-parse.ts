// Turns untrusted cadence JSON into a normalised Cadence, or every problem with it at once
// (SPEC section 2). The API's schemas, the CLI and the engine all delegate to this one function.
import {
  ALL_DAYS,
  DEFAULT_DST_POLICY,
  DEFAULT_TICK_INTERVAL_HOURS,
  DEFAULT_TIME_ZONE,
  intervalMode,
  MAX_JITTER_SECONDS,
  MAX_TICK_INTERVAL_HOURS,
  type Cadence,
  type DstPolicy,
  type Frequency,
} from './cadence.ts';
import {
  civilFromDays,
  formatCivilDate,
  formatMinuteOfDay,
  MINUTES_PER_DAY,
  MS_PER_DAY,
  MS_PER_MINUTE,
  parseCivilDate,
  parseLocalTime,
} from './civil-date.ts';
import { parseCron } from './cron-expression.ts';
import { formatInstant } from './instant.ts';
import { describeJson, FieldReader, isObject } from './field-reader.ts';
import { compileCadence, nextFireTime } from './next-fire-times.ts';
import { canonicalTimeZone, zoneRules } from './time-zone.ts';
import { issue, pointer, type Parsed, type ValidationIssue } from './validation-issue.ts';

export interface ParseCadenceOptions {
  /**
   * The instant the cadence is saved or previewed from: it resolves an interval's origin when
   * none is given, and "never fires" means no fire time within 10 years after it.
   */
  readonly reference: number;
}

const COMMON_FIELDS = ['type', 'timezone', 'dst_policy', 'start_at', 'end_at', 'jitter_seconds'];
const TYPE_FIELDS = {
  calendar: ['frequency', 'times', 'days_of_week', 'days_of_month'],
  interval: ['tick_interval_hours', 'run_days', 'anchor_time', 'origin_date'],
  cron: ['expression'],
} as const;
const TYPES = Object.keys(TYPE_FIELDS) as (keyof typeof TYPE_FIELDS)[];
const FREQUENCIES: readonly Frequency[] = ['daily', 'weekly', 'monthly'];
const MAX_TIMES = 288;
const MAX_EXPRESSION_LENGTH = 256;
const NEVER_FIRES_YEARS = 10;

export function parseCadence(input: unknown, options: ParseCadenceOptions): Parsed<Cadence> {
  if (!isObject(input)) {
    return {
      ok: false,
      errors: [
        issue('', 'invalid_type', `A cadence must be a JSON object, not ${describeJson(input)}.`),
      ],
    };
  }
  const r = new FieldReader(input);
  const type = r.string('type');
  if (type === undefined && !r.has('type'))
    r.errors.push(issue('/type', 'required', 'type is required: calendar, interval or cron.'));
  const known = TYPES.find((t) => t === type);
  if (type !== undefined && known === undefined) {
    r.errors.push(
      issue('/type', 'invalid_value', `type must be calendar, interval or cron, not "${type}".`),
    );
  }
  for (const key of Object.keys(input)) {
    if (COMMON_FIELDS.includes(key)) continue;
    const owner = TYPES.find((t) => (TYPE_FIELDS[t] as readonly string[]).includes(key));
    if (owner === undefined) {
      r.errors.push(
        issue(pointer('', key), 'field_not_allowed', `Unknown cadence field "${key}".`),
      );
    } else if (known !== undefined && owner !== known) {
      r.errors.push(
        issue(
          pointer('', key),
          'field_not_allowed',
          `${key} is not allowed on a ${known} cadence.`,
        ),
      );
    }
  }

  const common = readCommon(r);
  const specific =
    known === undefined ? undefined : readType(known, r, common?.timezone, options.reference);
  if (r.errors.length > 0 || common === undefined || specific === undefined)
    return { ok: false, errors: r.errors };

  const cadence = { ...specific, ...common };
  const never = checkFires(cadence, options.reference);
  return never ? { ok: false, errors: [never] } : { ok: true, value: cadence };
}

type Common = Pick<Cadence, 'timezone' | 'dst_policy' | 'start_at' | 'end_at' | 'jitter_seconds'>;
/** The type-specific part of a cadence (distributes over the union). */
type WithoutCommon<C> = C extends Cadence ? Omit<C, keyof Common> : never;
type Specific = WithoutCommon<Cadence>;

function readCommon(r: FieldReader): Common | undefined {
  const zoneName = r.string('timezone');
  const timezone = zoneName === undefined ? DEFAULT_TIME_ZONE : canonicalTimeZone(zoneName);
  if (timezone === undefined) {
    r.errors.push(
      issue(
        '/timezone',
        'invalid_time_zone',
        `"${zoneName}" is not an IANA time zone, e.g. "America/New_York" or "UTC".`,
      ),
    );
  }
  const dst = readDstPolicy(r);
  const startAt = r.instant('start_at');
  const endAt = r.instant('end_at');
  if (startAt !== undefined && endAt !== undefined && startAt > endAt) {
    r.errors.push(issue('/end_at', 'invalid_range', 'end_at must not be before start_at.'));
  }
  const jitter = r.integer('jitter_seconds', 0, MAX_JITTER_SECONDS) ?? 0;
  if (timezone === undefined || dst === undefined) return undefined;
  return {
    timezone,
    dst_policy: dst,
    start_at: startAt === undefined ? null : formatInstant(startAt),
    end_at: endAt === undefined ? null : formatInstant(endAt),
    jitter_seconds: jitter,
  };
}

function readDstPolicy(r: FieldReader): DstPolicy | undefined {
  if (!r.has('dst_policy')) return DEFAULT_DST_POLICY;
  const raw = r.raw('dst_policy');
  if (!isObject(raw)) {
    r.errors.push(
      issue(
        '/dst_policy',
        'invalid_type',
        `dst_policy must be an object, not ${describeJson(raw)}.`,
      ),
    );
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(raw)) {
    if (key !== 'gap' && key !== 'fold') {
      r.errors.push(
        issue(
          pointer('/dst_policy', key),
          'field_not_allowed',
          `Unknown dst_policy field "${key}".`,
        ),
      );
      ok = false;
    }
  }
  const gap = raw.gap ?? DEFAULT_DST_POLICY.gap;
  const fold = raw.fold ?? DEFAULT_DST_POLICY.fold;
  if (gap !== 'shift' && gap !== 'skip') {
    r.errors.push(
      issue('/dst_policy/gap', 'invalid_value', 'dst_policy.gap must be "shift" or "skip".'),
    );
    ok = false;
  }
  if (fold !== 'first' && fold !== 'both') {
    r.errors.push(
      issue('/dst_policy/fold', 'invalid_value', 'dst_policy.fold must be "first" or "both".'),
    );
    ok = false;
  }
  return ok ? ({ gap, fold } as DstPolicy) : undefined;
}

function readType(
  type: keyof typeof TYPE_FIELDS,
  r: FieldReader,
  timezone: string | undefined,
  reference: number,
): Specific | undefined {
  switch (type) {
    case 'calendar':
      return readCalendar(r);
    case 'interval':
      return readInterval(r, timezone, reference);
    case 'cron':
      return readCron(r);
  }
}

function readCalendar(r: FieldReader): Specific | undefined {
  const frequency = r.string('frequency');
  if (frequency === undefined && !r.has('frequency')) {
    r.errors.push(
      issue('/frequency', 'required', 'frequency is required: daily, weekly or monthly.'),
    );
  }
  const known = FREQUENCIES.find((f) => f === frequency);
  if (frequency !== undefined && known === undefined) {
    r.errors.push(
      issue(
        '/frequency',
        'invalid_value',
        `frequency must be daily, weekly or monthly, not "${frequency}".`,
      ),
    );
  }
  const times = readTimes(r);
  if (known !== undefined && known !== 'weekly' && r.has('days_of_week')) {
    r.errors.push(
      issue(
        '/days_of_week',
        'field_not_allowed',
        `days_of_week is only for weekly cadences, not ${known}.`,
      ),
    );
  }
  if (known !== undefined && known !== 'monthly' && r.has('days_of_month')) {
    r.errors.push(
      issue(
        '/days_of_month',
        'field_not_allowed',
        `days_of_month is only for monthly cadences, not ${known}.`,
      ),
    );
  }
  const daysOfWeek = known === 'weekly' ? (r.weekdays('days_of_week') ?? [1]) : undefined;
  const daysOfMonth = known === 'monthly' ? readDaysOfMonth(r) : undefined;
  if (known === undefined || times === undefined) return undefined;
  return {
    type: 'calendar',
    frequency: known,
    times,
    ...(daysOfWeek && { days_of_week: daysOfWeek }),
    ...(daysOfMonth && { days_of_month: daysOfMonth }),
  };
}

function readTimes(r: FieldReader): string[] | undefined {
  if (!r.has('times')) {
    r.errors.push(
      issue('/times', 'required', 'times is required: one or more local times "HH:MM".'),
    );
    return undefined;
  }
  const list = r.array('times');
  if (list === undefined) return undefined;
  if (list.length > MAX_TIMES) {
    r.errors.push(issue('/times', 'invalid_value', `At most ${MAX_TIMES} times a day.`));
  }
  const minutes = new Set<number>();
  list.forEach((t, i) => {
    const minute = typeof t === 'string' ? parseLocalTime(t) : undefined;
    if (minute === undefined) {
      r.errors.push(
        issue(
          pointer('/times', i),
          'invalid_time',
          `Times are 24-hour local "HH:MM", not ${JSON.stringify(t)}.`,
        ),
      );
    } else {
      minutes.add(minute);
    }
  });
  return [...minutes].sort((a, b) => a - b).map(formatMinuteOfDay);
}

function readDaysOfMonth(r: FieldReader): number[] {
  const list = r.array('days_of_month');
  if (list === undefined) return [1];
  const days = new Set<number>();
  list.forEach((d, i) => {
    if (Number.isInteger(d) && (((d as number) >= 1 && (d as number) <= 31) || d === -1))
      days.add(d as number);
    else
      r.errors.push(
        issue(
          pointer('/days_of_month', i),
          'invalid_day',
          `Days of the month are 1 to 31, or -1 for the last day, not ${JSON.stringify(d)}.`,
        ),
      );
  });
  // -1 (the last day) reads best at the end of the list.
  return [...days].sort((a, b) => (a === -1 ? 32 : a) - (b === -1 ? 32 : b));
}

function readInterval(
  r: FieldReader,
  timezone: string | undefined,
  reference: number,
): Specific | undefined {
  const hours =
    r.integer('tick_interval_hours', 1, MAX_TICK_INTERVAL_HOURS) ?? DEFAULT_TICK_INTERVAL_HOURS;
  const runDays = r.weekdays('run_days') ?? [...ALL_DAYS];
  const anchor = r.localTime('anchor_time');
  const originText = r.string('origin_date');
  const originDay = originText === undefined ? undefined : parseCivilDate(originText);
  if (originText !== undefined && originDay === undefined) {
    r.errors.push(
      issue(
        '/origin_date',
        'invalid_value',
        `origin_date must be a real local date "YYYY-MM-DD", not "${originText}".`,
      ),
    );
  }
  if (timezone === undefined || r.errors.length > 0) return undefined;
  // The origin defaults to the reference instant's local minute, or to the anchor on the
  // reference's local date; an elapsed-time interval starts from the first anchor after it.
  const rules = zoneRules(timezone, reference);
  const referenceLocalMinute = Math.floor((reference + rules.offsetAt(reference)) / MS_PER_MINUTE);
  const referenceDay = Math.floor(referenceLocalMinute / MINUTES_PER_DAY);
  const anchorMinute =
    anchor === undefined
      ? referenceLocalMinute - referenceDay * MINUTES_PER_DAY
      : (parseLocalTime(anchor) as number);
  const day =
    originDay ??
    (anchor !== undefined &&
    intervalMode(hours) === 'elapsed' &&
    referenceDay * MINUTES_PER_DAY + anchorMinute <= referenceLocalMinute
      ? referenceDay + 1
      : referenceDay);
  return {
    type: 'interval',
    tick_interval_hours: hours,
    run_days: runDays,
    anchor_time: formatMinuteOfDay(anchorMinute),
    origin_date: formatCivilDate(civilFromDays(day)),
  };
}

function readCron(r: FieldReader): Specific | undefined {
  if (!r.has('expression')) {
    r.errors.push(issue('/expression', 'required', 'expression is required, e.g. "0 9 * * 1-5".'));
    return undefined;
  }
  const text = r.string('expression');
  if (text === undefined) return undefined;
  if (text.length > MAX_EXPRESSION_LENGTH) {
    r.errors.push(
      issue(
        '/expression',
        'invalid_cron',
        `A cron expression has at most ${MAX_EXPRESSION_LENGTH} characters.`,
      ),
    );
    return undefined;
  }
  const parsed = parseCron(text);
  if (!parsed.ok) {
    r.errors.push(...parsed.errors.map((e) => ({ ...e, field: `/expression${e.field}` })));
    return undefined;
  }
  return { type: 'cron', expression: text.trim() };
}

function checkFires(cadence: Cadence, reference: number): ValidationIssue | undefined {
  const compiled = compileCadence(cadence);
  const from = Math.max(
    reference,
    compiled.startAt === undefined ? reference : compiled.startAt - 1,
  );
  const first = nextFireTime(compiled, from);
  if (first !== undefined && first.at - from <= NEVER_FIRES_YEARS * 366 * MS_PER_DAY)
    return undefined;
  return issue(
    '',
    'schedule_never_fires',
    `This cadence has no fire time in the ${NEVER_FIRES_YEARS} years after ${formatInstant(from)}.`,
  );
}
