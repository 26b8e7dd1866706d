// Rota's cron dialect (SPEC section 2): five fields parsed into parts (for describing them) and
// compiled into bitmasks, so matching a day or finding the next one costs a few integer operations.
import { civilFromDays, daysInMonth } from './civil-date.ts';
import { lowerBound } from './lower-bound.ts';
import { issue } from './validation-issue.ts';
import type { Parsed, ValidationIssue } from './validation-issue.ts';

/**
 * One comma-separated element of a field. Names are resolved to numbers; in day-of-week a
 * value of 7 is stored as 0 (Sunday), but a range may end at 7 (`5-7`, `FRI-SUN`).
 */
export type CronPart =
  /** `*`, with step 1, or a stepped `*` such as every 15 minutes. */
  | { readonly kind: 'any'; readonly step: number }
  | { readonly kind: 'value'; readonly value: number }
  /** `a-b`, `a-b/n`, or `a/n` (which runs to the field's maximum). */
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly step: number }
  /** `L` in day-of-month. */
  | { readonly kind: 'last-day' }
  /** `nL` in day-of-week: the last such weekday of the month (0 = Sunday … 6 = Saturday). */
  | { readonly kind: 'last-weekday'; readonly weekday: number };

export interface CronFields {
  readonly minute: readonly CronPart[];
  readonly hour: readonly CronPart[];
  readonly dayOfMonth: readonly CronPart[];
  readonly month: readonly CronPart[];
  readonly dayOfWeek: readonly CronPart[];
}

export interface CronSchedule {
  /** The 5-field text after shorthand expansion, fields joined by single spaces. */
  readonly expression: string;
  /** Parsed structure of each field, for describing it in words. */
  readonly fields: CronFields;
  /** Sorted, distinct minutes of the day (hour*60+minute) at which it fires on a matching day. */
  readonly minutesOfDay: readonly number[];
  /** False when the hour field is `*` or contains a step (such cadences fire on both passes of a repeated hour). */
  readonly hourIsFixed: boolean;
  /** True when both day fields are restricted (neither starts with `*`), so a day matching either fires. */
  readonly eitherDayMatches: boolean;
  /** Whether the local date with this epoch day (1970-01-01 = 0) matches month, day-of-month and day-of-week. */
  matchesDay(epochDay: number): boolean;
  /** The first matching epoch day in [fromEpochDay, untilEpochDay), or undefined. */
  firstMatchingDay(fromEpochDay: number, untilEpochDay: number): number | undefined;
  /** The first fire minute of the day at or after `minuteOfDay` (0…1439), or undefined. */
  firstMinuteAtOrAfter(minuteOfDay: number): number | undefined;
}

const SHORTHANDS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
export const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly key: keyof CronFields;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Where `*` and an open-ended `a/n` stop: day-of-week counts Sunday once, as 0. */
  readonly stepMax: number;
  readonly names?: readonly string[];
  /** The number of the first name (JAN = 1, SUN = 0). */
  readonly nameBase?: number;
}

const FIELD_SPECS: readonly FieldSpec[] = [
  { key: 'minute', label: 'minute', min: 0, max: 59, stepMax: 59 },
  { key: 'hour', label: 'hour', min: 0, max: 23, stepMax: 23 },
  { key: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31, stepMax: 31 },
  { key: 'month', label: 'month', min: 1, max: 12, stepMax: 12, names: MONTH_NAMES, nameBase: 1 },
  {
    key: 'dayOfWeek',
    label: 'day-of-week',
    min: 0,
    max: 7,
    stepMax: 6,
    names: DAY_NAMES,
    nameBase: 0,
  },
];

const DIGITS = /^\d+$/;
const quote = (text: string): string => `"${text.length > 24 ? `${text.slice(0, 24)}…` : text}"`;

type PartResult = CronPart | string;

function parseValue(text: string, spec: FieldSpec, rangeFrom?: number): number | string {
  if (DIGITS.test(text)) {
    const n = Number(text);
    return n >= spec.min && n <= spec.max
      ? n
      : `${quote(text)} is out of range ${spec.min}–${spec.max}`;
  }
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) {
    const n = index + (spec.nameBase ?? 0);
    // `FRI-SUN` means Friday through Sunday, so SUN ends a range as 7 (but `SUN-SUN` is Sunday).
    return spec.key === 'dayOfWeek' && n === 0 && (rangeFrom ?? 0) > 0 ? 7 : n;
  }
  const names = spec.names ? ` or a ${spec.key === 'month' ? 'month' : 'day'} name` : '';
  return `${quote(text)} is not a number${names}`;
}

function unsupported(text: string, spec: FieldSpec): string | undefined {
  if (text.includes('?')) return `"?" is not supported; use "*"`;
  if (text.includes('#')) return `"#" (nth weekday of the month) is not supported`;
  if (/^(\d+|L)W$/i.test(text)) return `"W" (nearest weekday) is not supported`;
  if (/^L$/i.test(text) && spec.key === 'dayOfWeek')
    return `bare "L" is not supported; use nL, e.g. 5L for the last Friday of the month`;
  if (/^\d*L$/i.test(text) && spec.key !== 'dayOfMonth' && spec.key !== 'dayOfWeek')
    return `${quote(text)}: "L" is allowed only in day-of-month and day-of-week`;
  return undefined;
}

function parsePart(text: string, spec: FieldSpec): PartResult {
  const problem = unsupported(text, spec);
  if (problem !== undefined) return problem;
  const slash = text.split('/');
  if (slash.length > 2) return `${quote(text)} has more than one "/"`;
  const [base = '', stepText] = slash;
  let step = 1;
  if (stepText !== undefined) {
    const span = spec.stepMax - spec.min + 1;
    if (!DIGITS.test(stepText)) return `step ${quote(stepText)} in ${quote(text)} is not a number`;
    step = Number(stepText);
    if (step < 1) return `step ${quote(stepText)} in ${quote(text)} must be at least 1`;
    if (step > span) return `step ${quote(stepText)} in ${quote(text)} is larger than ${span}`;
  }
  if (base === '*') return { kind: 'any', step };
  if (spec.key === 'dayOfMonth' && /^L$/i.test(base)) {
    return stepText === undefined ? { kind: 'last-day' } : `${quote(text)}: "L" takes no step`;
  }
  const last = /^(\d+)L$/i.exec(base);
  if (spec.key === 'dayOfWeek' && last) {
    if (stepText !== undefined) return `${quote(text)}: "nL" takes no step`;
    const n = Number(last[1]);
    return n <= 7
      ? { kind: 'last-weekday', weekday: n % 7 }
      : `${quote(text)}: n in nL must be 0–7`;
  }
  const dash = base.split('-');
  if (dash.length > 2) return `${quote(text)} is not a valid range`;
  const from = parseValue(dash[0] ?? '', spec);
  if (typeof from === 'string') return from;
  if (dash.length === 2) {
    const to = parseValue(dash[1] ?? '', spec, from);
    if (typeof to === 'string') return to;
    if (from > to) return `range ${quote(text)} is reversed`;
    return { kind: 'range', from, to, step };
  }
  if (stepText === undefined) {
    return { kind: 'value', value: spec.key === 'dayOfWeek' ? from % 7 : from };
  }
  return { kind: 'range', from, to: Math.max(from, spec.stepMax), step };
}

/** Marks the values a field's parts select (day-of-week 7 folds onto 0); `nL`/`L` set nothing here. */
function valueFlags(parts: readonly CronPart[], spec: FieldSpec): Uint8Array {
  const flags = new Uint8Array(spec.max + 1);
  const mark = (from: number, to: number, step: number): void => {
    for (let v = from; v <= to; v += step) flags[spec.key === 'dayOfWeek' ? v % 7 : v] = 1;
  };
  for (const part of parts) {
    if (part.kind === 'any') mark(spec.min, spec.stepMax, part.step);
    else if (part.kind === 'value') mark(part.value, part.value, 1);
    else if (part.kind === 'range') mark(part.from, part.to, part.step);
  }
  return flags;
}

/** Packs flags[offset…] into an int, bit 0 = flags[offset]; at most 31 bits. */
function bitsOf(flags: Uint8Array, offset: number): number {
  let bits = 0;
  for (let i = offset; i < flags.length; i++) if (flags[i]) bits |= 1 << (i - offset);
  return bits;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
const sundayWeekday = (epochDay: number): number => (((epochDay + 4) % 7) + 7) % 7;

/** The Gregorian calendar repeats every 400 years: a day unmatched in 4800 months never matches. */
const MONTHS_PER_CYCLE = 4800;

class CompiledCron implements CronSchedule {
  readonly expression: string;
  readonly fields: CronFields;
  readonly minutesOfDay: readonly number[];
  readonly hourIsFixed: boolean;
  readonly eitherDayMatches: boolean;
  readonly #monthBits: number;
  readonly #dayBits: number;
  readonly #lastDay: boolean;
  readonly #weekdayBits: number;
  readonly #lastWeekdayBits: number;
  /** Per weekday of the 1st: which days 1…31 (bits 0…30) fall on a selected weekday. */
  readonly #weekdayDays: Int32Array;
  readonly #lastWeekdayDays: Int32Array;

  constructor(expression: string, fields: CronFields, hourIsFixed: boolean) {
    this.expression = expression;
    this.fields = fields;
    this.hourIsFixed = hourIsFixed;
    const [minuteSpec, hourSpec, domSpec, monthSpec, dowSpec] = FIELD_SPECS as [
      FieldSpec,
      FieldSpec,
      FieldSpec,
      FieldSpec,
      FieldSpec,
    ];
    const minutes = valueFlags(fields.minute, minuteSpec);
    const hours = valueFlags(fields.hour, hourSpec);
    const fires: number[] = [];
    for (let h = 0; h < 24; h++) {
      for (let m = 0; m < 60; m++) if (hours[h] && minutes[m]) fires.push(h * 60 + m);
    }
    this.minutesOfDay = Object.freeze(fires);
    this.#monthBits = bitsOf(valueFlags(fields.month, monthSpec), 1);
    this.#dayBits = bitsOf(valueFlags(fields.dayOfMonth, domSpec), 1);
    this.#lastDay = fields.dayOfMonth.some((p) => p.kind === 'last-day');
    this.#weekdayBits = bitsOf(valueFlags(fields.dayOfWeek, dowSpec), 0) & 0x7f;
    this.#lastWeekdayBits = fields.dayOfWeek.reduce(
      (bits, p) => (p.kind === 'last-weekday' ? bits | (1 << p.weekday) : bits),
      0,
    );
    this.eitherDayMatches =
      fields.dayOfMonth[0]?.kind !== 'any' && fields.dayOfWeek[0]?.kind !== 'any';
    this.#weekdayDays = new Int32Array(7);
    this.#lastWeekdayDays = new Int32Array(7);
    for (let first = 0; first < 7; first++) {
      for (let d = 0; d < 31; d++) {
        const weekdayBit = 1 << ((first + d) % 7);
        if (this.#weekdayBits & weekdayBit) this.#weekdayDays[first]! |= 1 << d;
        if (this.#lastWeekdayBits & weekdayBit) this.#lastWeekdayDays[first]! |= 1 << d;
      }
    }
  }

  matchesDay(epochDay: number): boolean {
    const { year, month, day } = civilFromDays(epochDay);
    if ((this.#monthBits & (1 << (month - 1))) === 0) return false;
    const needsLength = this.#lastDay || this.#lastWeekdayBits !== 0;
    const length = needsLength ? daysInMonth(year, month) : 31;
    const weekdayBit = 1 << sundayWeekday(epochDay);
    const domHit = (this.#dayBits & (1 << (day - 1))) !== 0 || (this.#lastDay && day === length);
    const dowHit =
      (this.#weekdayBits & weekdayBit) !== 0 ||
      ((this.#lastWeekdayBits & weekdayBit) !== 0 && day > length - 7);
    return this.eitherDayMatches ? domHit || dowHit : domHit && dowHit;
  }

  /** Days 1…31 (bits 0…30) of one month that match day-of-month and day-of-week. */
  #daysOfMonth(year: number, month: number, monthStart: number): number {
    const length = daysInMonth(year, month);
    const first = sundayWeekday(monthStart);
    const dom = this.#lastDay ? this.#dayBits | (1 << (length - 1)) : this.#dayBits;
    const dow =
      this.#weekdayDays[first]! | (this.#lastWeekdayDays[first]! & (0x7f << (length - 7)));
    const days = this.eitherDayMatches ? dom | dow : dom & dow;
    return days & (2 ** length - 1);
  }

  firstMatchingDay(fromEpochDay: number, untilEpochDay: number): number | undefined {
    if (!(fromEpochDay < untilEpochDay)) return undefined;
    const from = civilFromDays(fromEpochDay);
    let { year, month } = from;
    let monthStart = fromEpochDay - from.day + 1;
    let skipBits = from.day - 1;
    for (let i = 0; i <= MONTHS_PER_CYCLE && monthStart < untilEpochDay; i++) {
      if (this.#monthBits & (1 << (month - 1))) {
        const days = this.#daysOfMonth(year, month, monthStart) & (~0 << skipBits);
        if (days !== 0) {
          const found = monthStart + 31 - Math.clz32(days & -days);
          return found < untilEpochDay ? found : undefined;
        }
      }
      monthStart += daysInMonth(year, month);
      skipBits = 0;
      if (++month > 12) {
        month = 1;
        year++;
      }
    }
    return undefined;
  }

  firstMinuteAtOrAfter(minuteOfDay: number): number | undefined {
    return this.minutesOfDay[lowerBound(this.minutesOfDay, minuteOfDay)];
  }
}

const invalid = (message: string): ValidationIssue => issue('', 'invalid_cron', message);

/** Parses and compiles a cron expression; every problem is an `invalid_cron` issue. */
export function parseCron(text: string): Parsed<CronSchedule> {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  if (trimmed === '') return { ok: false, errors: [invalid('cron expression is empty')] };
  if (trimmed.startsWith('@')) {
    const expanded = SHORTHANDS[trimmed.toLowerCase()];
    if (expanded !== undefined) return parseCron(expanded);
    const known = Object.keys(SHORTHANDS).join(', ');
    return {
      ok: false,
      errors: [invalid(`shorthand ${quote(trimmed)} is not supported; use one of ${known}`)],
    };
  }
  const tokens = trimmed.split(/[ \t]+/);
  if (tokens.length !== 5) {
    const extra = tokens.length > 5 ? '; seconds and years are not supported' : '';
    return {
      ok: false,
      errors: [
        invalid(
          `expected 5 fields (minute hour day-of-month month day-of-week) but found ${tokens.length}${extra}`,
        ),
      ],
    };
  }
  const errors: ValidationIssue[] = [];
  const parsed: Partial<Record<keyof CronFields, CronPart[]>> = {};
  FIELD_SPECS.forEach((spec, index) => {
    const parts: CronPart[] = [];
    const fieldText = tokens[index] ?? '';
    const elements = fieldText.split(',');
    if (elements.includes('')) {
      errors.push(invalid(`${spec.label} field: ${quote(fieldText)} has an empty list element`));
    }
    for (const element of elements.filter((e) => e !== '')) {
      const part = parsePart(element, spec);
      if (typeof part === 'string') errors.push(invalid(`${spec.label} field: ${part}`));
      else parts.push(part);
    }
    parsed[spec.key] = parts;
  });
  if (errors.length > 0) return { ok: false, errors };
  const fields = parsed as CronFields;
  const hourText = tokens[1] ?? '';
  const hourIsFixed = !hourText.includes('*') && !hourText.includes('/');
  return { ok: true, value: new CompiledCron(tokens.join(' '), fields, hourIsFixed) };
}
