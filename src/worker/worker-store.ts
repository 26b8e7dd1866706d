// What the worker needs of storage (SPEC section 4), in the core's records: claim queued runs
// under a lease, keep or give back the lease, read what a run's steps call, and record each step
// as it ends. Every write names the run's fencing token: a holder whose lease was lost changes
// nothing and is told so (false). Implemented once, for both databases, in
// storage/worker-storage.ts.
import type { PlannedStep } from '../core/run-plan.ts';
import type { RunTarget } from '../core/run-records.ts';
import type {
  CalleeForStep,
  ClaimedRun,
  ClaimRequest,
  ExpiredLeases,
  LeaseHolder,
  RunFinish,
  StepCallee,
  StepEnd,
  StepSlot,
  TargetJourney,
} from '../core/work-records.ts';

export interface WorkerStore {
  /** Up to `limit` queued runs that may start now, oldest first, leased to the worker. */
  claimRuns(request: ClaimRequest): Promise<ClaimedRun[]>;
  /** When the earliest run held back for its dispatch time becomes claimable, if any. */
  nextDispatchAt(now: number): Promise<number | null>;
  /** Runs whose lease expired go back to the queue, or fail with no attempt left. */
  recoverExpiredLeases(now: number): Promise<ExpiredLeases>;
  /** Extends the lease; false when it is no longer the holder's. */
  heartbeat(holder: LeaseHolder, now: number, leaseMs: number): Promise<boolean>;
  /** Gives a run back to the queue on shutdown, whatever its attempt (ADR 44). */
  releaseRun(holder: LeaseHolder, now: number): Promise<boolean>;
  /** Calls `listener` whenever runs are queued (by this process or, on PostgreSQL, another). */
  onRunsQueued(listener: () => void): Promise<() => Promise<void>>;
  /** The journeys a run walks, in order; deleted ones are left out. */
  journeysOfTarget(target: RunTarget): Promise<TargetJourney[]>;
  /** The agent or tool a step calls; undefined when it was deleted. */
  callee(callee: StepCallee): Promise<CalleeForStep | undefined>;
  /**
   * The run's steps, created once (a later attempt finds the same rows), with the first marked
   * running with `input(first)`; none when the lease was lost.
   */
  openSteps(
    holder: LeaseHolder,
    steps: readonly PlannedStep[],
    start: { readonly now: number; readonly input: (step: StepSlot) => unknown },
  ): Promise<StepSlot[]>;
  /** Marks a later step running with its input. */
  startStep(holder: LeaseHolder, stepId: string, now: number, input: unknown): Promise<boolean>;
  /** A step's end, and the run's when there is one, in one write. */
  endStep(holder: LeaseHolder, stepId: string, end: StepEnd): Promise<boolean>;
  /** Ends a run without a step (it could not start). */
  finishRun(holder: LeaseHolder, end: RunFinish): Promise<boolean>;
}
