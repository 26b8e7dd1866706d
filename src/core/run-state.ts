// The run status machine (SPEC section 4), enforced everywhere a run's status changes.
//
// States: queued, running, completed, failed, cancelled (the last three are terminal).
// Created as: queued (normal start) or failed (could not start: schema_mismatch,
// authorization_failed).
// Transitions:
//   queued  → running     a worker claimed it
//   queued  → cancelled   cancelled before it started
//   queued  → failed      it cannot start (invalid_parameters, tick_deadline)
//   running → completed | failed | cancelled
//   running → queued      its lease expired or its worker released it on shutdown, and an
//                         attempt remains

import type { ErrorCode } from './error-codes.ts';

export const RunStatus = {
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const RUN_STATUSES: readonly RunStatus[] = Object.values(RunStatus);

export const RUN_STATUS_LABELS: Readonly<Record<RunStatus, string>> = {
  queued: 'Queued',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Who or what started a run. */
/** Attempts a run gets before an expired lease fails it with `lease_lost` (SPEC section 4). */
export const DEFAULT_MAX_ATTEMPTS = 2;

export const RunTrigger = {
  schedule: 'schedule',
  manual: 'manual',
  catchup: 'catchup',
  api: 'api',
} as const;
export type RunTrigger = (typeof RunTrigger)[keyof typeof RunTrigger];

const TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['completed', 'failed', 'cancelled', 'queued'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** The statuses a run may be written with when it is created. */
export const INITIAL_RUN_STATUSES: readonly RunStatus[] = ['queued', 'failed'];

/** Why a run is created directly as failed: it never could start. */
export const CREATED_FAILED_CODES = [
  'schema_mismatch',
  'authorization_failed',
] as const satisfies readonly ErrorCode[];

/** Why a queued run fails without ever running. */
export const START_FAILURE_CODES = [
  'invalid_parameters',
  'tick_deadline',
] as const satisfies readonly ErrorCode[];

export const isTerminal = (status: RunStatus): boolean => TRANSITIONS[status].length === 0;

/** Runs that still hold their item: waiting for a worker or running. */
export const LIVE_RUN_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter((s) => !isTerminal(s));

/** Runs that have ended. */
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = RUN_STATUSES.filter(isTerminal);

export const nextStatuses = (from: RunStatus): readonly RunStatus[] => TRANSITIONS[from];

export const canTransition = (from: RunStatus, to: RunStatus): boolean =>
  TRANSITIONS[from].includes(to);

export const canCreateAs = (status: RunStatus): boolean => INITIAL_RUN_STATUSES.includes(status);

/** A status change the machine forbids: a bug or a lost race, never a client's mistake. */
export class IllegalRunTransition extends Error {
  readonly code: ErrorCode = 'illegal_run_transition';
  readonly from: RunStatus;
  readonly to: RunStatus;

  constructor(from: RunStatus, to: RunStatus) {
    super(`A run cannot go from ${from} to ${to}.`);
    this.name = 'IllegalRunTransition';
    this.from = from;
    this.to = to;
  }
}

export function assertTransition(from: RunStatus, to: RunStatus): void {
  if (!canTransition(from, to)) throw new IllegalRunTransition(from, to);
}

/** The statuses a run may move to `to` from: what a store's update requires it to be in. */
export const runStatusesBefore = (to: RunStatus): readonly RunStatus[] =>
  RUN_STATUSES.filter((from) => canTransition(from, to));

/** `from`, once the machine allows `from → to`: the status a store's update of one move requires. */
export function movingFrom<F extends RunStatus>(from: F, to: RunStatus): F {
  assertTransition(from, to);
  return from;
}
