// IANA time zones as tables of UTC-offset transitions, so that converting between instants and
// local wall-clock times is a binary search rather than a call into Temporal or Intl.
// Tables are built lazily around the instants asked about (enumerating a transition through
// Temporal costs ~0.2 ms) and cached per zone for the life of the process.
import { Temporal } from 'temporal-polyfill';
import { MS_PER_DAY } from './civil-date.ts';

/** How a local wall-clock time maps to instants in a zone. */
export const LocalKind = {
  /** Exactly one instant. */
  unique: 0,
  /** Skipped by a forward transition; the instant given is the RFC 5545 shift (old offset). */
  gap: 1,
  /** Occurs twice; both instants given, earlier first. */
  fold: 2,
} as const;
export type LocalKind = (typeof LocalKind)[keyof typeof LocalKind];

const UTC_ALIASES = new Set([
  'utc',
  'etc/utc',
  'etc/uct',
  'uct',
  'gmt',
  'etc/gmt',
  'etc/gmt0',
  'etc/gmt+0',
  'etc/gmt-0',
  'gmt0',
  'gmt+0',
  'gmt-0',
  'etc/greenwich',
  'greenwich',
  'etc/universal',
  'universal',
  'etc/zulu',
  'zulu',
]);

const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/**
 * The stored name of a time zone, or undefined when it is not an IANA zone this runtime knows.
 * Names keep the IANA spelling the caller used, case-normalised (Intl would turn "Asia/Kolkata"
 * into CLDR's legacy "Asia/Calcutta"); every UTC alias becomes "UTC".
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (!ZONE_NAME.test(name)) return undefined;
  if (UTC_ALIASES.has(name.toLowerCase())) return 'UTC';
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
  } catch {
    return undefined;
  }
}

// Instants Rota reasons about: the table is never extended outside these years.
const MIN_MS = Date.UTC(1800, 0, 1);
const MAX_MS = Date.UTC(2800, 0, 1);
const CHUNK_MS = 4 * 365 * MS_PER_DAY;
// Local-time questions look this far either side for transitions (offsets span at most 26 h).
const LOCAL_MARGIN_MS = 2 * MS_PER_DAY;

/**
 * One zone's offsets over a covered span of instants. `transitions` holds every transition in
 * [coveredFrom, coveredTo); `transitions[i]` changes the offset from `offsets[i]` to
 * `offsets[i + 1]`, so `offsets` has one more entry and `offsets[0]` is in force before them all.
 */
export class ZoneRules {
  readonly id: string;
  private transitions: number[] = [];
  private offsets: number[];
  private coveredFrom: number;
  private coveredTo: number;
  private maxOffset: number;
  private minOffset: number;

  constructor(id: string, aroundMs: number) {
    this.id = id;
    const from = clamp(aroundMs - CHUNK_MS);
    const offset = offsetFromTemporal(id, from - 1);
    this.offsets = [offset];
    this.maxOffset = offset;
    this.minOffset = offset;
    this.coveredFrom = from;
    this.coveredTo = from;
    this.extendForward(clamp(aroundMs + CHUNK_MS));
  }

  /** UTC offset in milliseconds in force at an instant. */
  offsetAt(instantMs: number): number {
    this.cover(instantMs, instantMs);
    const t = this.transitions;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((t[mid] as number) <= instantMs) lo = mid + 1;
      else hi = mid;
    }
    return this.offsets[lo] as number;
  }

  /**
   * Maps a local wall-clock time (milliseconds of the local timeline, i.e. instant + offset) to
   * instants, written into `out`: [instant] when unique; [shifted, transition] in a gap (the
   * RFC 5545 shift, and the first instant whose local time is later); [first, second] pass in
   * a fold. Returns the LocalKind.
   */
  resolveLocal(localMs: number, out: Float64Array): LocalKind {
    this.cover(localMs - LOCAL_MARGIN_MS, localMs + LOCAL_MARGIN_MS);
    // The offset before the first transition whose local start is after localMs decides.
    const t = this.transitions;
    const o = this.offsets;
    let lo = 0;
    let hi = t.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const before = o[mid] as number;
      const after = o[mid + 1] as number;
      if ((t[mid] as number) + Math.min(before, after) <= localMs) lo = mid + 1;
      else hi = mid;
    }
    // Transition lo - 1 (if any) starts at or before localMs: are we inside its gap or fold?
    if (lo > 0) {
      const at = t[lo - 1] as number;
      const before = o[lo - 1] as number;
      const after = o[lo] as number;
      if (localMs < at + Math.max(before, after)) {
        if (after > before) {
          out[0] = localMs - before;
          out[1] = at;
          return LocalKind.gap;
        }
        out[0] = localMs - before;
        out[1] = localMs - after;
        return LocalKind.fold;
      }
    }
    out[0] = localMs - (o[lo] as number);
    return LocalKind.unique;
  }

  /** Largest offset in the covered span (a safe bound when ordering instants by local time). */
  maxOffsetMs(): number {
    return this.maxOffset;
  }

  /** Largest minus smallest offset in the covered span. */
  offsetSpanMs(): number {
    return this.maxOffset - this.minOffset;
  }

  private cover(fromMs: number, toMs: number): void {
    if (fromMs < this.coveredFrom && this.coveredFrom > MIN_MS) {
      this.extendBackward(clamp(fromMs - CHUNK_MS));
    }
    if (toMs >= this.coveredTo && this.coveredTo < MAX_MS) {
      this.extendForward(clamp(toMs + CHUNK_MS));
    }
  }

  private extendForward(toMs: number): void {
    // "next" is strictly after its start, so start 1 ms early to include one exactly at coveredTo.
    let zdt = Temporal.Instant.fromEpochMilliseconds(this.coveredTo - 1).toZonedDateTimeISO(
      this.id,
    );
    for (;;) {
      const next = zdt.getTimeZoneTransition('next');
      if (next === null || next.epochMilliseconds >= toMs) break;
      this.transitions.push(next.epochMilliseconds);
      this.noteOffset(next.offsetNanoseconds / 1e6, 'end');
      zdt = next;
    }
    this.coveredTo = toMs;
  }

  private extendBackward(fromMs: number): void {
    let zdt = Temporal.Instant.fromEpochMilliseconds(this.coveredFrom).toZonedDateTimeISO(this.id);
    const found: number[] = [];
    for (;;) {
      const previous = zdt.getTimeZoneTransition('previous');
      if (previous === null || previous.epochMilliseconds < fromMs) break;
      found.push(previous.epochMilliseconds);
      zdt = previous;
    }
    // Walking backwards, each transition's "before" offset is the one in force just prior to it.
    for (const at of found) {
      this.transitions.unshift(at);
      this.noteOffset(offsetFromTemporal(this.id, at - 1), 'start');
    }
    this.coveredFrom = fromMs;
  }

  private noteOffset(offset: number, end: 'start' | 'end'): void {
    if (end === 'end') this.offsets.push(offset);
    else this.offsets.unshift(offset);
    if (offset > this.maxOffset) this.maxOffset = offset;
    if (offset < this.minOffset) this.minOffset = offset;
  }
}

const clamp = (ms: number): number => Math.min(MAX_MS, Math.max(MIN_MS, ms));

const offsetFromTemporal = (zone: string, instantMs: number): number =>
  Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(zone).offsetNanoseconds /
  1e6;

const cache = new Map<string, ZoneRules>();

/** The cached rules of a canonical zone name (see canonicalTimeZone). */
export function zoneRules(zone: string, aroundMs: number): ZoneRules {
  let rules = cache.get(zone);
  if (rules === undefined) {
    rules = new ZoneRules(zone, aroundMs);
    cache.set(zone, rules);
  }
  return rules;
}
