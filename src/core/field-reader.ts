// Reads typed fields off an untrusted JSON object, collecting every problem as a ValidationIssue
// instead of stopping at the first. Absent and null both mean "not given: use the default".
import { parseLocalTime } from './civil-date.ts';
import type { IsoWeekday } from './cadence.ts';
import { isSupportedInstant, parseInstant } from './instant.ts';
import { issue, pointer, type ValidationIssue } from './validation-issue.ts';

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const describeJson = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;

export class FieldReader {
  readonly errors: ValidationIssue[] = [];
  private readonly input: Record<string, unknown>;

  constructor(input: Record<string, unknown>) {
    this.input = input;
  }

  raw(key: string): unknown {
    return this.input[key];
  }

  has(key: string): boolean {
    return this.input[key] !== undefined && this.input[key] !== null;
  }

  fail(field: string, code: ValidationIssue['code'], message: string): void {
    this.errors.push(issue(field, code, message));
  }

  string(key: string): string | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    this.fail(`/${key}`, 'invalid_type', `${key} must be a string, not ${describeJson(v)}.`);
    return undefined;
  }

  integer(key: string, min: number, max: number): number | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number') {
      this.fail(`/${key}`, 'invalid_type', `${key} must be an integer, not ${describeJson(v)}.`);
    } else if (!Number.isInteger(v) || v < min || v > max) {
      this.fail(`/${key}`, 'invalid_value', `${key} must be an integer from ${min} to ${max}.`);
    } else {
      return v;
    }
    return undefined;
  }

  /** A non-empty array. */
  array(key: string): readonly unknown[] | undefined {
    const v = this.input[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) {
      this.fail(`/${key}`, 'invalid_type', `${key} must be an array, not ${describeJson(v)}.`);
      return undefined;
    }
    const list = v as readonly unknown[];
    if (list.length === 0) this.fail(`/${key}`, 'invalid_value', `${key} must not be empty.`);
    return list;
  }

  /** An ISO-8601 instant with `Z` or an offset, as epoch milliseconds. */
  instant(key: string): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const ms = parseInstant(text);
    if (ms === undefined || !isSupportedInstant(ms)) {
      this.fail(
        `/${key}`,
        'invalid_instant',
        `${key} must be an ISO-8601 instant with Z or an offset, between 1900 and 2699.`,
      );
      return undefined;
    }
    return ms;
  }

  /** A 24-hour local time `HH:MM`. */
  localTime(key: string): string | undefined {
    const text = this.string(key);
    if (text !== undefined && parseLocalTime(text) === undefined) {
      this.fail(
        `/${key}`,
        'invalid_time',
        `${key} must be a 24-hour local time "HH:MM", not "${text}".`,
      );
      return undefined;
    }
    return text;
  }

  /** A non-empty list of ISO weekdays, returned sorted and distinct. */
  weekdays(key: string): IsoWeekday[] | undefined {
    const list = this.array(key);
    if (list === undefined) return undefined;
    const days = new Set<IsoWeekday>();
    list.forEach((d, i) => {
      if (typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= 7) {
        days.add(d as IsoWeekday);
      } else {
        this.fail(
          pointer(`/${key}`, i),
          'invalid_day',
          `ISO weekdays are 1 (Monday) to 7 (Sunday), not ${JSON.stringify(d)}.`,
        );
      }
    });
    return [...days].sort((a, b) => a - b);
  }
}
