// The worker's port (worker/worker-store.ts) over a Database, for both dialects: the run queue
// and its leases (run-store.ts), a run's steps as they happen (run-step-store.ts) and what those
// steps call (run-targets.ts). Claimed runs leave here parsed.
import type { PlannedStep } from '../core/run-plan.ts';
import type { RunTarget } from '../core/run-records.ts';
import type {
  ClaimedRun,
  ClaimRequest,
  LeaseHolder,
  RunFinish,
  StepEnd,
  StepCallee,
  StepSlot,
} from '../core/work-records.ts';
import type { Database } from './database.ts';
import { endStep, ensureSteps, updateStep, type StoredStep } from './run-step-store.ts';
import {
  claimRuns,
  finishRun,
  heartbeat,
  nextDispatchAt,
  recoverExpiredLeases,
  releaseRun,
  type StoredRun,
} from './run-store.ts';
import { calleeForStep, journeysOfTarget } from './run-targets.ts';

/** A claimed run as the worker works it. */
const claimedRun = (row: StoredRun): ClaimedRun => ({
  id: row.id,
  target: { kind: row.target_kind, id: row.target_id },
  parameters: JSON.parse(row.parameters) as Record<string, unknown>,
  attempt: row.attempt,
  fence: row.fence,
  lease_until: row.lease_until,
});

const slot = (step: StoredStep): StepSlot => ({
  id: step.id,
  position: step.position,
  key: step.step_key,
  callee: { kind: step.callee_kind, id: step.callee_id },
});

const stepRow = (holder: LeaseHolder, step: PlannedStep) => ({
  id: step.id,
  run_id: holder.runId,
  position: step.position,
  step_key: step.key,
  name: step.name,
  callee_kind: step.callee.kind,
  callee_id: step.callee.id,
  status: 'queued' as const,
});

export function workerStore(database: Database) {
  return {
    claimRuns: async (request: ClaimRequest) =>
      (await claimRuns(database, request)).map(claimedRun),
    nextDispatchAt: (now: number) => nextDispatchAt(database, now),
    recoverExpiredLeases: (now: number) => recoverExpiredLeases(database, now),
    heartbeat: (holder: LeaseHolder, now: number, leaseMs: number) =>
      heartbeat(database, holder, now, leaseMs),
    releaseRun: (holder: LeaseHolder, now: number) => releaseRun(database, holder, now),
    onRunsQueued: (listener: () => void) => database.onRunsQueued(listener),
    journeysOfTarget: (target: RunTarget) => journeysOfTarget(database, target),
    callee: (callee: StepCallee) => calleeForStep(database, callee),
    openSteps: async (
      holder: LeaseHolder,
      steps: readonly PlannedStep[],
      start: { readonly now: number; readonly input: (step: StepSlot) => unknown },
    ) =>
      (
        await ensureSteps(
          database,
          holder,
          steps.map((step) => stepRow(holder, step)),
          { now: start.now, input: (step) => start.input(slot(step)) },
        )
      ).map(slot),
    startStep: (holder: LeaseHolder, stepId: string, now: number, input: unknown) =>
      updateStep(database, holder, stepId, { status: 'running', now, input }),
    endStep: (holder: LeaseHolder, stepId: string, end: StepEnd) =>
      endStep(database, holder, stepId, end),
    finishRun: (holder: LeaseHolder, end: RunFinish) => finishRun(database, holder, end),
  };
}
