// What a worker reads and writes as it works a run (SPEC section 4), as the stores hand it over:
// claimed runs, the journeys of a run's target, the callee a step calls and what a step leaves
// behind. Types only; instants are epoch milliseconds and JSON is already parsed.
import type { FindingRecord, RunStepRecord, RunTarget, StepLogRecord } from './run-records.ts';

type Json = Record<string, unknown>;

/** Who holds a run: its id and the fencing token its claim returned. */
export interface LeaseHolder {
  readonly runId: string;
  readonly fence: number;
}

/** A run a worker claimed, with what it needs to work it. */
export interface ClaimedRun {
  readonly id: string;
  readonly target: RunTarget;
  /** The run's runtime parameters (from the schedule item or the manual run). */
  readonly parameters: Json;
  readonly attempt: number;
  readonly fence: number;
  readonly lease_until: number | null;
}

export interface ClaimRequest {
  readonly workerId: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
}

export interface ExpiredLeases {
  readonly requeued: number;
  readonly failed: number;
}

/** One journey of a run's target. */
export interface TargetJourney {
  /** Its place in the target (a test plan's order, deleted journeys counted). */
  readonly position: number;
  readonly id: string;
  readonly name: string;
  readonly agentId: string;
  readonly inputs: Json;
}

/** An agent or tool as a step calls it. */
export interface CalleeForStep {
  /** `builtin`, `http`, … */
  readonly kind: string;
  readonly config: Json;
  readonly timeoutSeconds: number | null;
}

/** What a step calls: an agent or a tool (null once it was deleted). */
export interface StepCallee {
  readonly kind: 'agent' | 'tool';
  readonly id: string | null;
}

/**
 * A step as stored for the run: later attempts find the same rows, so a run goes on walking the
 * steps its first attempt planned, whatever its target became since.
 */
export interface StepSlot {
  readonly id: string;
  readonly position: number;
  readonly key: string;
  readonly callee: StepCallee;
}

/** A finding as a step's end writes it: always of a step, and of its run. */
export interface NewFinding extends FindingRecord {
  readonly run_id: string;
  readonly step_id: string;
}

/** How a run ends: the status it takes and what is recorded with it. */
export interface RunFinish {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly now: number;
  readonly error?: {
    readonly code: string;
    readonly message: string;
    readonly step: string | null;
  };
  readonly agentsSpawned?: number;
  /** Tokens and cost the executors reported. */
  readonly usage?: unknown;
}

/** A step's progress. */
export interface StepUpdate {
  readonly status: RunStepRecord['status'];
  readonly now: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly code: string; readonly message: string } | null;
}

/** A step's end, written at once: its status, log lines, findings and, last, the run's end. */
export interface StepEnd {
  readonly update: StepUpdate;
  readonly logs: readonly StepLogRecord[];
  readonly findings: readonly NewFinding[];
  /** The run's end too, when this step was its last or failed it. */
  readonly run?: RunFinish;
}
