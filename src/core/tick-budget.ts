// The per-tick run budget (SPEC section 3 step 2). `daily_budget` ("Max test runs per tick")
// when set; otherwise auto = ceil(candidates ÷ K), where K is the fewest fire times any
// coverage window can hold: rotating by staleness, an item run at one tick then comes round
// again within ceil(candidates ÷ per_tick) ≤ K ticks, that is within one window. The windows
// counted are those starting at fire times from one window before the tick (they still
// contain it) to 28 days after it (SPEC section 3; ADR 0007 explains the look back).
//
// Every function here takes a sorted array of fire times (epoch ms) that must cover at least
// [from − window, from + 28 days + window] for each `from` asked about: the counts near the
// ends of the array are only as complete as the array is. The engine and the forecast produce it.

import { MS_PER_DAY } from './civil-date.ts';

/** How far ahead K looks for the tightest window. */
export const COVERAGE_HORIZON_MS = 28 * MS_PER_DAY;

export interface CoverageK {
  /** The fewest fire times in (t, t + window] over the horizon's fire times t, at least 1. */
  readonly k: number;
  /** False when some window holds no fire time at all (K = 0 before clamping): even running
   *  every item at every tick cannot cover every item once per window. */
  readonly windowMet: boolean;
}

/** For each fire time f[i], how many fire times fall in (f[i], f[i] + windowMs]; O(n). */
export function fireTimesPerWindow(fireTimes: readonly number[], windowMs: number): Int32Array {
  const n = fireTimes.length;
  const counts = new Int32Array(n);
  let after = 0; // first index with f > f[i]
  let beyond = 0; // first index with f > f[i] + window
  for (let i = 0; i < n; i++) {
    const t = fireTimes[i]!;
    if (after < i + 1) after = i + 1;
    while (after < n && fireTimes[after]! <= t) after++;
    while (beyond < n && fireTimes[beyond]! <= t + windowMs) beyond++;
    counts[i] = Math.max(0, beyond - after);
  }
  return counts;
}

/**
 * K for each tick in `fromTimes`, in the same order: the minimum of `fireTimesPerWindow` over
 * the fire times t with from − window ≤ t ≤ from + 28 days, and the first fire time at or
 * after `from` even when it lies beyond those 28 days. A sliding-window minimum makes a whole forecast O(fire times + ticks).
 */
export function coverageKs(
  fireTimes: readonly number[],
  fromTimes: readonly number[],
  windowMs: number,
  horizonMs: number = COVERAGE_HORIZON_MS,
): CoverageK[] {
  const n = fireTimes.length;
  const counts = fireTimesPerWindow(fireTimes, windowMs);
  const queries = fromTimes.map((_, i) => i).sort((a, b) => fromTimes[a]! - fromTimes[b]!);
  const result = new Array<CoverageK>(fromTimes.length);
  // Indices of fire times in the current range whose counts increase from front to back.
  const deque = new Int32Array(Math.max(1, n));
  let head = 0;
  let tail = 0;
  let start = 0; // first index with f ≥ from − window
  let next = 0; // first index with f ≥ from
  let end = 0; // one past the last index in the range
  for (const q of queries) {
    const from = fromTimes[q]!;
    // Windows that began up to one window before the tick still contain it: an item run at
    // such a fire time must come round again within that window (ADR 0007).
    while (start < n && fireTimes[start]! < from - windowMs) start++;
    if (start === n) {
      result[q] = { k: 1, windowMet: false };
      continue;
    }
    // The range runs to the last f ≤ from + horizon, and always holds the first f ≥ from.
    while (next < n && fireTimes[next]! < from) next++;
    let last = Math.max(end, start + 1, Math.min(n, next + 1));
    while (last < n && fireTimes[last]! <= from + horizonMs) last++;
    for (; end < last; end++) {
      const c = counts[end]!;
      while (tail > head && counts[deque[tail - 1]!]! >= c) tail--;
      deque[tail++] = end;
    }
    while (deque[head]! < start) head++;
    const raw = counts[deque[head]!]!;
    result[q] = { k: Math.max(1, raw), windowMet: raw > 0 };
  }
  return result;
}

export function coverageK(
  fireTimes: readonly number[],
  fromMs: number,
  windowMs: number,
): CoverageK {
  return coverageKs(fireTimes, [fromMs], windowMs)[0]!;
}

export interface PerTickBudgetInput {
  /** `daily_budget`, the seed's "Max test runs per tick"; null = auto. */
  readonly dailyBudget: number | null;
  readonly candidates: number;
  /** K from `coverageK` (already at least 1). */
  readonly k: number;
}

/** Runs allowed this tick. */
export function perTickBudget({ dailyBudget, candidates, k }: PerTickBudgetInput): number {
  if (dailyBudget !== null) return dailyBudget;
  return Math.ceil(candidates / Math.max(1, k));
}
