// `pause_after_failures` (SPEC section 3 "Pause and failure"): a schedule pauses itself after
// N consecutive failed ticks. A succeeded tick ends the streak; ticks that ran nothing
// (skipped) or were cancelled say nothing about failure and leave it as it was.
import type { TickOutcome } from './tick-outcome.ts';

export interface FailureStreak {
  readonly consecutiveFailures: number;
  /** Set when this tick's outcome makes the schedule pause itself. */
  readonly pauseNote: string | null;
}

export function nextFailureStreak(
  consecutiveFailures: number,
  outcome: TickOutcome,
  pauseAfterFailures: number | null,
): FailureStreak {
  const streak =
    outcome === 'failed'
      ? consecutiveFailures + 1
      : outcome === 'succeeded'
        ? 0
        : consecutiveFailures;
  const pause = outcome === 'failed' && pauseAfterFailures !== null && streak >= pauseAfterFailures;
  return {
    consecutiveFailures: streak,
    pauseNote: pause
      ? `Paused automatically after ${streak} consecutive failed ${streak === 1 ? 'tick' : 'ticks'} (pause_after_failures: ${pauseAfterFailures}).`
      : null,
  };
}
