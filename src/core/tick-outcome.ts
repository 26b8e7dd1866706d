// A tick's outcome, derived from its runs once they have all ended (SPEC section 3 step 7).
// Failure outranks cancellation, which outranks success, so one bad run is never hidden.

import { isTerminal, type RunStatus } from './run-state.ts';

export const TickOutcome = {
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
} as const;
export type TickOutcome = (typeof TickOutcome)[keyof typeof TickOutcome];

/** What made a schedule tick. */
export const TickTrigger = {
  schedule: 'schedule',
  catchup: 'catchup',
  manual: 'manual',
} as const;
export type TickTrigger = (typeof TickTrigger)[keyof typeof TickTrigger];

/** Runs still queued this long after their tick fail with `tick_deadline`. */
export const DEFAULT_TICK_DEADLINE_MINUTES = 60;

/**
 * The outcome of a tick whose runs (including runs written directly as failed) have these
 * statuses, or `undefined` while any of them has not ended: the tick is still open.
 */
export function tickOutcome(runStatuses: readonly RunStatus[]): TickOutcome | undefined {
  if (runStatuses.length === 0) return 'skipped';
  if (!runStatuses.every(isTerminal)) return undefined;
  if (runStatuses.includes('failed')) return 'failed';
  if (runStatuses.includes('cancelled')) return 'cancelled';
  return 'succeeded';
}
