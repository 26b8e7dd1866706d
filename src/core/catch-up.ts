// What happens to fire times that no scheduler ticked in time (SPEC section 3, "Catch-up
// after downtime"). Every due fire time ends up in exactly one place: ticked on time, ticked
// as catch-up, or counted in one `missed` audit record, so nothing is silently lost.

import { MS_PER_HOUR } from './civil-date.ts';

export const CatchUpPolicy = { all: 'all', latest: 'latest', none: 'none' } as const;
export type CatchUpPolicy = (typeof CatchUpPolicy)[keyof typeof CatchUpPolicy];

export const DEFAULT_CATCHUP_POLICY: CatchUpPolicy = 'latest';
export const DEFAULT_CATCHUP_WINDOW_HOURS = 24;
/** A fire time at most this late is ticked normally, not treated as missed. */
export const CATCHUP_GRACE_MS = 60_000;

export const MissedReason = {
  downtime: 'downtime',
  outside_catchup_window: 'outside_catchup_window',
  clock_jump: 'clock_jump',
} as const;
export type MissedReason = (typeof MissedReason)[keyof typeof MissedReason];

/** One audit record for a run of consecutive fire times missed for the same reason. */
export interface MissedRange {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly reason: MissedReason;
}

export interface CatchUpInput {
  readonly now: number;
  /** Fire times that are due (≤ now) and that no scheduler ticked. */
  readonly dueFireTimes: readonly number[];
  readonly policy: CatchUpPolicy;
  readonly windowHours?: number;
  readonly graceMs?: number;
  /** Why the fire times went unticked: the reason recorded for late ones not caught up. */
  readonly reason: 'downtime' | 'clock_jump';
}

export interface CatchUpDecision {
  /** Within the grace: tick normally, trigger `schedule`. */
  readonly onTime: readonly number[];
  /** Tick with trigger `catchup`, oldest first. */
  readonly catchUp: readonly number[];
  readonly missed: readonly MissedRange[];
}

type Fate = 'on_time' | 'catch_up' | MissedReason;

export function decideCatchUp(input: CatchUpInput): CatchUpDecision {
  const { now, policy, reason } = input;
  const windowMs = (input.windowHours ?? DEFAULT_CATCHUP_WINDOW_HOURS) * MS_PER_HOUR;
  const graceMs = input.graceMs ?? CATCHUP_GRACE_MS;
  const due = [...input.dueFireTimes].sort((a, b) => a - b);

  const fates: Fate[] = due.map((at) => {
    if (now - at <= graceMs) return 'on_time';
    if (now - at > windowMs) return 'outside_catchup_window';
    return policy === 'all' ? 'catch_up' : reason;
  });
  // `latest` ticks only the most recent due fire time, and only when it is late and in the
  // window: when the newest is on time, every late one before it is missed.
  const last = fates.length - 1;
  if (policy === 'latest' && last >= 0 && fates[last] === reason) fates[last] = 'catch_up';

  const onTime: number[] = [];
  const catchUp: number[] = [];
  const missed: MissedRange[] = [];
  let open: { from: number; to: number; count: number; reason: MissedReason } | undefined;
  due.forEach((at, i) => {
    const fate = fates[i]!;
    if (fate === 'on_time' || fate === 'catch_up') {
      (fate === 'on_time' ? onTime : catchUp).push(at);
      open = undefined;
    } else if (open?.reason === fate) {
      open.to = at;
      open.count += 1;
    } else {
      open = { from: at, to: at, count: 1, reason: fate };
      missed.push(open);
    }
  });
  return { onTime, catchUp, missed };
}
