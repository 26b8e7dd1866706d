// What a tick does with an item whose previous run is still live (SPEC section 3 step 4).
// "Live" is always derived from the runs themselves (a live lease or a queued run), never a
// sticky flag, so a crashed worker cannot wedge an item forever.

export const OverlapPolicy = {
  skip: 'skip',
  buffer_one: 'buffer_one',
  allow: 'allow',
  cancel_other: 'cancel_other',
} as const;
export type OverlapPolicy = (typeof OverlapPolicy)[keyof typeof OverlapPolicy];

export const DEFAULT_OVERLAP_POLICY: OverlapPolicy = 'skip';

export const OverlapAction = {
  /** Start the new run now, as usual. */
  start: 'start',
  /** Do not start a run; the tick records the item `skipped: overlap`. */
  skip: 'skip',
  /** Queue the new run behind the live one (`after_run_id`). */
  buffer: 'buffer',
  /** Cancel the live run(s), then start the new one. */
  cancel_previous: 'cancel_previous',
} as const;
export type OverlapAction = (typeof OverlapAction)[keyof typeof OverlapAction];

/** The item's earlier runs as the engine sees them when the tick fires. */
export interface PreviousRun {
  /** A run of the item holds a live lease or is queued (a buffered run counts). */
  readonly live: boolean;
  /** A buffered run already waits behind a live one. */
  readonly waiting: boolean;
}

export const NO_PREVIOUS_RUN: PreviousRun = { live: false, waiting: false };

const WHEN_LIVE: Readonly<Record<OverlapPolicy, OverlapAction>> = {
  skip: 'skip',
  buffer_one: 'buffer',
  allow: 'start',
  cancel_other: 'cancel_previous',
};

export function decideOverlap(policy: OverlapPolicy, previous: PreviousRun): OverlapAction {
  // A waiting run is itself a queued run, so `waiting` implies live even if the caller forgot.
  if (!previous.live && !previous.waiting) return 'start';
  // buffer_one keeps at most one run waiting: a second would pile up behind the first.
  if (policy === 'buffer_one' && previous.waiting) return 'skip';
  return WHEN_LIVE[policy];
}
