// Works one claimed run (SPEC section 4): plans its steps from its target (core/run-plan.ts),
// walks them one at a time through the step runner, and records each step's status, input,
// output, log lines and findings as it ends, all fenced by the run's lease token, while the lease
// is renewed. The run ends with its last step, or with the first step that failed.
import { planRun } from '../core/run-plan.ts';
import type { ClaimedRun, LeaseHolder, StepEnd, StepSlot } from '../core/work-records.ts';
import { addUsage, type StepResult, type Usage } from './executor.ts';
import { keepLease } from './lease-keeper.ts';
import { runStep, type StepOutcome, type StepRunnerDeps } from './step-runner.ts';
import type { WorkerStore } from './worker-store.ts';

export interface RunnerDeps extends StepRunnerDeps {
  readonly store: WorkerStore;
  readonly now: () => number;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  /** Each run's end as this worker saw it, for the log and metrics. */
  readonly onEnd?: (end: RunEnd) => void;
}

export type RunResult = 'completed' | 'failed' | 'lease_lost';

/** How a run ended here: what a log line about it says. */
export interface RunEnd {
  readonly runId: string;
  readonly status: RunResult;
  /** The run's error code when it failed. */
  readonly errorCode: string | null;
  /** Findings its steps reported in this attempt. */
  readonly findings: number;
}

interface Tally {
  findings: number;
  errorCode: string | null;
}

/**
 * Works `run` to its end; `stop` aborts its in-flight call (the worker gave the run back on
 * shutdown). Resolves how it ended here: `lease_lost` when another holder owns it now.
 */
export async function executeRun(
  deps: RunnerDeps,
  run: ClaimedRun,
  stop?: AbortSignal,
): Promise<RunResult> {
  const tally: Tally = { findings: 0, errorCode: null };
  const status = await workRun(deps, run, tally, stop);
  deps.onEnd?.({
    runId: run.id,
    status,
    ...tally,
    errorCode: status === 'failed' ? tally.errorCode : null,
  });
  return status;
}

/** A step's findings as stored; ids derive from the step, so a retried attempt keeps them once. */
const findingRows = (runId: string, stepId: string, findings: StepResult['findings'], at: number) =>
  findings.map((f, i) => ({
    id: `${stepId}:${i}`,
    run_id: runId,
    step_id: stepId,
    severity: f.severity,
    title: f.title,
    detail: f.detail ?? null,
    created_at: at,
  }));

/** What a step's outcome writes: the step's end and, when it ends the run, the run's. */
function stepEnd(
  run: ClaimedRun,
  step: StepSlot,
  outcome: StepOutcome,
  at: number,
  runEnd: { readonly last: boolean; readonly agents: number; readonly usage: Usage | undefined },
): StepEnd {
  const retries = outcome.retries.map((message) => ({ at, level: 'warn' as const, message }));
  if (outcome.ok) {
    const { result } = outcome;
    return {
      update: { status: 'completed', now: at, output: result.output, error: null },
      logs: [...retries, ...result.logs.map((line) => ({ ...line, at }))],
      findings: findingRows(run.id, step.id, result.findings, at),
      ...(runEnd.last
        ? {
            run: {
              status: 'completed' as const,
              now: at,
              agentsSpawned: runEnd.agents,
              usage: runEnd.usage,
            },
          }
        : {}),
    };
  }
  const { code, message } = outcome.failure;
  return {
    update: { status: 'failed', now: at, error: { code, message } },
    logs: [...retries, { at, level: 'error', message }],
    findings: findingRows(run.id, step.id, outcome.failure.findings, at),
    run: {
      status: 'failed',
      now: at,
      error: { code, message, step: step.key },
      usage: runEnd.usage,
    },
  };
}

async function workRun(
  deps: RunnerDeps,
  run: ClaimedRun,
  tally: Tally,
  stop: AbortSignal | undefined,
): Promise<RunResult> {
  const { store } = deps;
  const holder: LeaseHolder = { runId: run.id, fence: run.fence };
  const plan = planRun({
    runId: run.id,
    targetKind: run.target.kind,
    parameters: run.parameters,
    journeys: await store.journeysOfTarget(run.target),
  });
  if (!plan.ok) {
    tally.errorCode = plan.code;
    const ended = await store.finishRun(holder, {
      status: 'failed',
      now: deps.now(),
      error: { code: plan.code, message: plan.message, step: null },
    });
    return ended ? 'failed' : 'lease_lost';
  }
  // Stored steps are matched by position: the plan of an earlier attempt may differ.
  const inputOf = (step: { readonly position: number }) =>
    plan.steps.find((p) => p.position === step.position)?.input ?? {};
  // The steps, and the first of them running, in one write.
  const steps = await store.openSteps(holder, plan.steps, { now: deps.now(), input: inputOf });
  if (steps.length === 0) return 'lease_lost';

  const controller = new AbortController();
  stop?.addEventListener('abort', () => controller.abort(), { once: true });
  const lease = keepLease(deps, holder, run.lease_until ?? deps.now() + deps.leaseMs, controller);
  // A write that failed once the lease was lost is that loss; any other failure is the
  // database's, and the run goes on in a new attempt once its lease runs out.
  const fenced = (write: Promise<boolean>) =>
    write.catch((error: unknown) => {
      if (lease.isLost()) return false;
      throw error;
    });
  let usage: Usage | undefined;
  try {
    for (const [index, step] of steps.entries()) {
      const input = inputOf(step);
      if (index > 0 && !(await fenced(store.startStep(holder, step.id, deps.now(), input))))
        return 'lease_lost';
      const outcome = await runStep(deps, run, step, input, controller.signal);
      if (!outcome.ok && lease.isLost()) return 'lease_lost';
      if (outcome.ok) usage = addUsage(usage, outcome.result.usage);
      const last = index === steps.length - 1;
      const end = stepEnd(run, step, outcome, deps.now(), { last, agents: steps.length, usage });
      if (!(await fenced(store.endStep(holder, step.id, end)))) return 'lease_lost';
      tally.findings += end.findings.length;
      if (!outcome.ok) {
        tally.errorCode = outcome.failure.code;
        return 'failed';
      }
    }
    return 'completed';
  } finally {
    await lease.stop();
  }
}
