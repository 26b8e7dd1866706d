// Fire times: the instants at which a cadence fires, strictly increasing, DST-correct (SPEC
// section 2). Local candidates come from a LocalPattern in local order; the DST policy maps each
// to zero, one or two instants; a small buffer restores instant order, because a time shifted
// out of a gap or repeated in a fold can land after the next local candidate's instant.
import type { Cadence, DstPolicy } from './cadence.ts';
import { intervalMode } from './cadence.ts';
import {
  isoWeekday,
  MINUTES_PER_DAY,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
} from './civil-date.ts';
import { parseCron } from './cron-expression.ts';
import { parseInstant } from './instant.ts';
import { lowerBound } from './lower-bound.ts';
import {
  calendarPattern,
  cronPattern,
  intervalOriginMinute,
  intervalPattern,
  weekdayMask,
  type LocalPattern,
} from './local-pattern.ts';
import { LocalKind, zoneRules, type ZoneRules } from './time-zone.ts';

export const DstMark = { shifted: 'shifted', repeated: 'repeated' } as const;
export type DstMark = (typeof DstMark)[keyof typeof DstMark];

export interface FireTime {
  /** Epoch milliseconds (UTC). */
  readonly at: number;
  /** "shifted" out of a DST gap, "repeated" at a local time that occurs twice, or null. */
  readonly dst: DstMark | null;
}

/** A local time that `gap: "skip"` dropped: listed by the human preview, never fired. */
export interface SkippedTime {
  /** Local wall-clock time as epoch milliseconds of the local timeline. */
  readonly local: number;
  /** Where `gap: "shift"` would have fired it, to place it among the fire times. */
  readonly shiftedAt: number;
}

/** Which DST rule a cadence follows (ADR 0003). */
export type DstRule = 'fixed_time' | 'every_hour' | 'elapsed';

export const dstRule = (compiled: CompiledCadence): DstRule =>
  compiled.kind === 'elapsed'
    ? 'elapsed'
    : compiled.pattern.fixedTime
      ? 'fixed_time'
      : 'every_hour';

/** How far ahead one search for the next fire time looks before concluding there is none. */
export const SEARCH_HORIZON_DAYS = 11 * 366;

interface Bounds {
  readonly startAt: number | undefined;
  readonly endAt: number | undefined;
}

export type CompiledCadence =
  | ({ readonly kind: 'local'; readonly zone: string; readonly policy: DstPolicy } & Bounds & {
        readonly pattern: LocalPattern;
      })
  | ({ readonly kind: 'elapsed'; readonly zone: string } & Bounds & {
        readonly originLocalMs: number;
        readonly periodMs: number;
        readonly runDayMask: number;
      });

/**
 * Prepares a normalised cadence (the output of parseCadence) for repeated evaluation. Only a
 * cadence that never went through parseCadence can make it throw (a bad cron expression or
 * time zone).
 */
export function compileCadence(cadence: Cadence): CompiledCadence {
  const bounds: Bounds = {
    startAt: cadence.start_at === null ? undefined : parseInstant(cadence.start_at),
    endAt: cadence.end_at === null ? undefined : parseInstant(cadence.end_at),
  };
  const zone = cadence.timezone;
  const policy = cadence.dst_policy;
  switch (cadence.type) {
    case 'calendar':
      return { kind: 'local', zone, policy, ...bounds, pattern: calendarPattern(cadence) };
    case 'cron': {
      const parsed = parseCron(cadence.expression);
      if (!parsed.ok) throw new Error(`compileCadence: invalid cron "${cadence.expression}"`);
      return { kind: 'local', zone, policy, ...bounds, pattern: cronPattern(parsed.value) };
    }
    case 'interval': {
      if (intervalMode(cadence.tick_interval_hours) !== 'elapsed') {
        return { kind: 'local', zone, policy, ...bounds, pattern: intervalPattern(cadence) };
      }
      return {
        kind: 'elapsed',
        zone,
        ...bounds,
        originLocalMs: intervalOriginMinute(cadence) * MS_PER_MINUTE,
        periodMs: cadence.tick_interval_hours * MS_PER_HOUR,
        runDayMask: weekdayMask(cadence.run_days),
      };
    }
  }
}

/** The first `count` fire times strictly after `afterMs`. */
export function nextFireTimes(
  compiled: CompiledCadence,
  afterMs: number,
  count: number,
): FireTime[] {
  const cursor = new FireTimeCursor(compiled, afterMs);
  const out: FireTime[] = [];
  while (out.length < count) {
    const next = cursor.next();
    if (next === undefined) break;
    out.push(next);
  }
  return out;
}

/** The first fire time strictly after `afterMs`, or undefined when there is none in the horizon. */
export const nextFireTime = (compiled: CompiledCadence, afterMs: number): FireTime | undefined =>
  new FireTimeCursor(compiled, afterMs).next();

/** Fire times in (fromMs, toMs], e.g. the ticks a forecast simulates. */
export function fireTimesBetween(
  compiled: CompiledCadence,
  fromMs: number,
  toMs: number,
): number[] {
  const cursor = new FireTimeCursor(compiled, fromMs);
  const out: number[] = [];
  for (let f = cursor.next(); f !== undefined && f.at <= toMs; f = cursor.next()) out.push(f.at);
  return out;
}

const NO_MARK = 0;
const SHIFTED = 1;
const REPEATED = 2;
const MARKS = [null, DstMark.shifted, DstMark.repeated] as const;

/**
 * Walks fire times in increasing order. `next()` returns the next fire time; with
 * `onSkipped`, local times dropped by `gap: "skip"` are reported as they are passed.
 */
export class FireTimeCursor {
  private readonly compiled: CompiledCadence;
  private readonly rules: ZoneRules;
  private readonly after: number;
  private readonly onSkipped: ((skipped: SkippedTime) => void) | undefined;
  // Local scan state (kind 'local').
  private day = 0;
  private minutes: readonly number[] = [];
  private index = 0;
  private started = false;
  private exhausted = false;
  private pending: number | undefined;
  private readonly scratch = new Float64Array(2);
  // Buffered instants, sorted ascending, with their marks.
  private readonly bufferAt: number[] = [];
  private readonly bufferMark: number[] = [];
  private last = -Infinity;
  // Elapsed state: the origin instant and the next multiple of the period to try.
  private originAt = 0;
  private originShifted = false;
  private k = 0;

  constructor(
    compiled: CompiledCadence,
    afterMs: number,
    onSkipped?: (skipped: SkippedTime) => void,
  ) {
    this.compiled = compiled;
    this.rules = zoneRules(compiled.zone, afterMs);
    this.after = compiled.startAt !== undefined ? Math.max(afterMs, compiled.startAt - 1) : afterMs;
    this.onSkipped = onSkipped;
  }

  next(): FireTime | undefined {
    const c = this.compiled;
    const found = c.kind === 'local' ? this.nextLocal(c.policy, c.pattern) : this.nextElapsed(c);
    if (found === undefined || (c.endAt !== undefined && found.at > c.endAt)) {
      this.exhausted = true;
      this.bufferAt.length = 0;
      return undefined;
    }
    return found;
  }

  private nextLocal(policy: DstPolicy, pattern: LocalPattern): FireTime | undefined {
    for (;;) {
      if (this.pending === undefined && !this.exhausted) this.pending = this.advance(pattern);
      // Every later candidate's instants are at least its local time minus the largest offset.
      const bound = this.pending === undefined ? Infinity : this.pending - this.rules.maxOffsetMs();
      if (this.bufferAt.length > 0 && (this.bufferAt[0] as number) < bound) {
        const at = this.bufferAt.shift() as number;
        const mark = this.bufferMark.shift() as number;
        if (at <= this.last) continue;
        this.last = at;
        return { at, dst: MARKS[mark] ?? null };
      }
      if (this.pending === undefined) return undefined;
      // The origin itself (k = 0 of an interval) is one fire time: its first pass only.
      const isOrigin = this.pending === pattern.originMinute * MS_PER_MINUTE;
      const bothPasses = !isOrigin && (!pattern.fixedTime || policy.fold === 'both');
      this.place(this.pending, policy, pattern.fixedTime, bothPasses);
      this.pending = undefined;
    }
  }

  /** Maps one local candidate to instants under the DST policy and buffers them. */
  private place(localMs: number, policy: DstPolicy, fixedTime: boolean, bothPasses: boolean): void {
    const out = this.scratch;
    const kind = this.rules.resolveLocal(localMs, out);
    if (kind === LocalKind.unique) {
      this.buffer(out[0] as number, NO_MARK);
    } else if (kind === LocalKind.gap) {
      if (!fixedTime || policy.gap === 'shift') this.buffer(out[0] as number, SHIFTED);
      else if ((out[0] as number) > this.after)
        this.onSkipped?.({ local: localMs, shiftedAt: out[0] as number });
    } else {
      this.buffer(out[0] as number, REPEATED);
      if (bothPasses) this.buffer(out[1] as number, REPEATED);
    }
  }

  private buffer(at: number, mark: number): void {
    const endAt = this.compiled.endAt;
    if (at <= this.after || (endAt !== undefined && at > endAt)) return;
    const times = this.bufferAt;
    let i = times.length;
    while (i > 0 && (times[i - 1] as number) > at) i--;
    // A time shifted onto an existing fire time fires once, as the unshifted one.
    if (i > 0 && times[i - 1] === at) {
      if (mark === NO_MARK) this.bufferMark[i - 1] = NO_MARK;
      return;
    }
    times.splice(i, 0, at);
    this.bufferMark.splice(i, 0, mark);
  }

  /** The next local candidate (epoch ms of the local timeline), in local order. */
  private advance(pattern: LocalPattern): number | undefined {
    const rules = this.rules;
    if (!this.started) {
      this.started = true;
      // An instant after `after` has a local time after `after` plus the smallest offset.
      const startLocal = this.after + rules.offsetAt(this.after) - rules.offsetSpanMs();
      const startMinute = Math.max(Math.floor(startLocal / MS_PER_MINUTE), pattern.originMinute);
      const startDay = Math.floor(startMinute / MINUTES_PER_DAY);
      const day = pattern.firstDay(startDay, startDay + SEARCH_HORIZON_DAYS);
      if (day === undefined) return this.stop();
      this.enterDay(pattern, day);
      if (day === startDay)
        this.index = lowerBound(this.minutes, startMinute - day * MINUTES_PER_DAY);
    }
    for (;;) {
      if (this.index < this.minutes.length) {
        const minute = this.day * MINUTES_PER_DAY + (this.minutes[this.index++] as number);
        if (minute < pattern.originMinute) continue;
        const localMs = minute * MS_PER_MINUTE;
        const endAt = this.compiled.endAt;
        if (endAt !== undefined && localMs - rules.maxOffsetMs() > endAt) return this.stop();
        return localMs;
      }
      const day = pattern.firstDay(this.day + 1, this.day + 1 + SEARCH_HORIZON_DAYS);
      if (day === undefined) return this.stop();
      this.enterDay(pattern, day);
    }
  }

  private enterDay(pattern: LocalPattern, day: number): void {
    this.day = day;
    this.minutes = pattern.minutesOf(day);
    this.index = 0;
  }

  private stop(): undefined {
    this.exhausted = true;
    return undefined;
  }

  private nextElapsed(c: Extract<CompiledCadence, { kind: 'elapsed' }>): FireTime | undefined {
    const rules = this.rules;
    if (!this.started) {
      this.started = true;
      // The origin is a local time: a gap shifts it, a fold takes its first pass.
      this.originShifted = rules.resolveLocal(c.originLocalMs, this.scratch) === LocalKind.gap;
      const origin = this.scratch[0] as number;
      this.k = Math.max(0, Math.floor((this.after - origin) / c.periodMs) + 1);
      this.originAt = origin;
    }
    const limit = this.k + Math.ceil((SEARCH_HORIZON_DAYS * MS_PER_DAY) / c.periodMs);
    for (; this.k < limit;) {
      const k = this.k++;
      const at = this.originAt + k * c.periodMs;
      if (at <= this.after) continue;
      if (c.endAt !== undefined && at > c.endAt) return undefined;
      const local = at + rules.offsetAt(at);
      if (!(c.runDayMask & (1 << isoWeekday(Math.floor(local / MS_PER_DAY))))) continue;
      const repeated = rules.resolveLocal(local, this.scratch) === LocalKind.fold;
      const shifted = k === 0 && this.originShifted;
      return { at, dst: shifted ? DstMark.shifted : repeated ? DstMark.repeated : null };
    }
    return undefined;
  }
}
