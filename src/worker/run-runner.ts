// Executes one claimed run step by step (SPEC section 4): a journey is one agent step, a test
// plan one step per journey. Each step's status, input, output and log lines are written as they
// happen, all fenced by the run's lease token, and the lease is renewed while the run works.
import { headerSealContext, openHeaders, type SecretSeal } from '../core/callee-config.ts';
import type { Database } from '../storage/database.ts';
import { endStep, ensureSteps, updateStep } from '../storage/run-step-store.ts';
import { finishRun, heartbeat, type LeaseHolder, type StoredRun } from '../storage/run-store.ts';
import { agentForStep, journeysOfTarget, type NewStep } from '../storage/run-targets.ts';
import {
  addUsage,
  StepFailed,
  type Executor,
  type StepCall,
  type StepResult,
  type Usage,
} from './executor.ts';

export interface RunnerDeps {
  readonly database: Database;
  readonly now: () => number;
  readonly newId: () => string;
  /** Executors by callee: `builtin:http_journey`, `http`, … */
  readonly executors: Readonly<Record<string, Executor>>;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly defaultStepTimeoutMs?: number;
  /** Calls of a step before a retryable failure fails it (SPEC section 4); default 3. */
  readonly maxCallsPerStep?: number;
  /**
   * Opens agents' sealed header values (SPEC section 7). Without it, an agent that carries
   * credentials fails its step with `agent_error` rather than calling without them.
   */
  readonly secrets?: Pick<SecretSeal, 'open' | 'isSealed'>;
  /** Waits between retries; tests pass one that does not wait. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Each run's end as this worker saw it, for the log and metrics. */
  readonly onEnd?: (end: RunEnd) => void;
}

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

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Backoff before call `n` (1-based) of a step: 1 s, 2 s, 4 s … at most 30 s. */
export const retryDelayMs = (call: number): number => Math.min(30_000, 1000 * 2 ** (call - 2));

const MAX_RETRY_WAIT_MS = 5 * 60_000;

/** Calls the executor, retrying retryable failures with backoff while the step has time left. */
async function callWithRetries(
  deps: RunnerDeps,
  executor: Executor,
  call: StepCall,
  log: (message: string) => void,
) {
  const maxCalls = deps.maxCallsPerStep ?? 3;
  for (let n = 1; ; n++) {
    try {
      return await executor.call(call);
    } catch (error) {
      if (
        !(error instanceof StepFailed) ||
        !error.retryable ||
        n >= maxCalls ||
        call.signal.aborted
      )
        throw error;
      // The callee's Retry-After wins over our backoff, within the cap (the step timeout bounds it).
      const wait = Math.min(
        MAX_RETRY_WAIT_MS,
        Math.max(retryDelayMs(n + 1), error.retryAfterMs ?? 0),
      );
      log(`call ${n} failed (${error.code}: ${error.message}); retrying in ${wait / 1000} s`);
      await (deps.sleep ?? defaultSleep)(wait, call.signal);
    }
  }
}

export type RunResult = 'completed' | 'failed' | 'lease_lost';

interface PlannedStep {
  readonly row: NewStep;
  readonly input: Record<string, unknown>;
}

async function planSteps(deps: RunnerDeps, run: StoredRun): Promise<PlannedStep[]> {
  const journeys = await journeysOfTarget(deps.database, {
    kind: run.target_kind,
    id: run.target_id,
  });
  const parameters = JSON.parse(run.parameters) as Record<string, unknown>;
  return journeys.map(({ position, ...journey }) => ({
    // Step ids derive from the run, so every attempt calls with the same idempotency key.
    row: {
      id: `${run.id}:${position}`,
      run_id: run.id,
      position,
      step_key: journey.id,
      name: journey.name,
      callee_kind: 'agent',
      callee_id: journey.agentId,
      status: 'queued',
    },
    input: { ...journey.inputs, ...parameters },
  }));
}

/**
 * Renews the lease every `heartbeatMs`, one renewal at a time, and aborts the run once it is lost:
 * when the store says the lease is no longer ours, or when renewals failed (the database is away)
 * until the last lease it confirmed ran out. A short blip costs the run nothing.
 */
function keepLease(
  deps: RunnerDeps,
  holder: LeaseHolder,
  leaseUntil: number,
  controller: AbortController,
) {
  let inFlight: Promise<void> = Promise.resolve();
  let lost = false;
  let confirmedUntil = leaseUntil;
  const beat = setInterval(() => {
    inFlight = inFlight.then(async () => {
      if (lost) return;
      const at = deps.now();
      const renewed = await heartbeat(deps.database, holder, at, deps.leaseMs).catch(
        () => undefined,
      );
      if (renewed === true) confirmedUntil = at + deps.leaseMs;
      else if (renewed === false || deps.now() >= confirmedUntil) {
        lost = true;
        controller.abort();
      }
    });
  }, deps.heartbeatMs);
  beat.unref();
  return {
    isLost: () => lost,
    stop: async () => {
      clearInterval(beat);
      await inFlight;
    },
  };
}

/** The agent's configuration with its header values opened for the call; fails the step if it cannot. */
function withCredentials(
  deps: RunnerDeps,
  config: Record<string, unknown>,
  agentId: string,
): Record<string, unknown> {
  return openHeaders(config, (sealed, name) => {
    if (deps.secrets === undefined)
      throw new StepFailed(
        'agent_error',
        'This worker holds no key to open the agent’s credentials.',
      );
    // Kept in clear by an older version (a rolling upgrade): used as it is until the next
    // start of `rota serve` seals it.
    if (!deps.secrets.isSealed(sealed)) return sealed;
    try {
      return deps.secrets.open(sealed, headerSealContext('agents', agentId, name));
    } catch (error) {
      throw new StepFailed(
        'agent_error',
        `The agent's header ${name} could not be opened: ${(error as Error).message}.`,
      );
    }
  });
}

/** `stop` aborts the run's in-flight call: the worker gave the run back (shutdown). */
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

export async function executeRun(
  deps: RunnerDeps,
  run: StoredRun,
  stop?: AbortSignal,
): Promise<RunResult> {
  const tally: Tally = { findings: 0, errorCode: null };
  const status = await runSteps(deps, run, tally, stop);
  deps.onEnd?.({
    runId: run.id,
    status,
    ...tally,
    errorCode: status === 'failed' ? tally.errorCode : null,
  });
  return status;
}

async function runSteps(
  deps: RunnerDeps,
  run: StoredRun,
  tally: Tally,
  stop: AbortSignal | undefined,
): Promise<RunResult> {
  const { database } = deps;
  const holder: LeaseHolder = { runId: run.id, fence: run.fence };
  const planned = await planSteps(deps, run);
  const expected = run.target_kind === 'journey' ? 1 : undefined;
  if (planned.length === 0 || (expected !== undefined && planned.length !== expected)) {
    tally.errorCode = 'schema_mismatch';
    const ended = await finishRun(database, holder, {
      status: 'failed',
      now: deps.now(),
      error: {
        code: 'schema_mismatch',
        message: `The ${run.target_kind.replace('_', ' ')} has no runnable journey left.`,
        step: null,
      },
    });
    return ended ? 'failed' : 'lease_lost';
  }
  // Stored steps are matched by position: the plan of an earlier attempt may differ.
  const inputOf = (step: { readonly position: number }) =>
    planned.find((p) => p.row.position === step.position)?.input ?? {};
  // The steps, and the first of them running, in one write.
  const steps = await ensureSteps(
    database,
    holder,
    planned.map((p) => p.row),
    { now: deps.now(), input: inputOf },
  );
  if (steps.length === 0) return 'lease_lost';

  const controller = new AbortController();
  stop?.addEventListener('abort', () => controller.abort(), { once: true });
  const lease = keepLease(deps, holder, run.lease_until ?? deps.now() + deps.leaseMs, controller);
  let usage: Usage | undefined;
  try {
    for (const [index, step] of steps.entries()) {
      const input = inputOf(step);
      const last = index === steps.length - 1;
      if (
        index > 0 &&
        !(await updateStep(database, holder, step.id, {
          status: 'running',
          now: deps.now(),
          input,
        }))
      )
        return 'lease_lost';
      const agent = await agentForStep(database, step.callee_id ?? '');
      const stored = agent?.config ?? {};
      const key =
        agent === undefined
          ? 'missing'
          : agent.kind === 'builtin'
            ? `builtin:${String(stored.builtin)}`
            : agent.kind;
      const executor = deps.executors[key];
      const timeoutMs =
        (agent?.timeoutSeconds ?? 0) * 1000 || (deps.defaultStepTimeoutMs ?? 600_000);
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        if (executor === undefined)
          throw new StepFailed('agent_error', `No executor for agent kind "${key}".`);
        const config = withCredentials(deps, stored, step.callee_id ?? '');
        const retries: string[] = [];
        const result = await callWithRetries(
          deps,
          executor,
          {
            runId: run.id,
            stepId: step.id,
            attempt: run.attempt,
            idempotencyKey: step.id,
            input,
            parameters: JSON.parse(run.parameters) as Record<string, unknown>,
            callee: 'agent',
            config,
            signal: AbortSignal.any([controller.signal, timeout]),
          },
          (message) => retries.push(message),
        );
        if (timeout.aborted)
          throw new StepFailed('agent_timeout', `The step took longer than ${timeoutMs / 1000} s.`);
        usage = addUsage(usage, result.usage);
        const at = deps.now();
        // The step's logs, findings and status, and the run's end after its last step, at once.
        const ended = await endStep(database, holder, step.id, {
          update: { status: 'completed', now: at, output: result.output, error: null },
          logs: [
            ...retries.map((message) => ({ at, level: 'warn' as const, message })),
            ...result.logs.map((line) => ({ ...line, at })),
          ],
          findings: findingRows(run.id, step.id, result.findings, at),
          ...(last
            ? {
                run: {
                  status: 'completed' as const,
                  now: at,
                  agentsSpawned: steps.length,
                  usage,
                },
              }
            : {}),
        });
        if (!ended) return 'lease_lost';
        tally.findings += result.findings.length;
      } catch (error) {
        if (lease.isLost()) return 'lease_lost';
        const failure =
          error instanceof StepFailed
            ? error
            : timeout.aborted
              ? new StepFailed('agent_timeout', `The step took longer than ${timeoutMs / 1000} s.`)
              : new StepFailed('agent_error', (error as Error).message);
        tally.errorCode = failure.code;
        tally.findings += failure.findings.length;
        const at = deps.now();
        const ended = await endStep(database, holder, step.id, {
          update: {
            status: 'failed',
            now: at,
            error: { code: failure.code, message: failure.message },
          },
          logs: [{ at, level: 'error', message: failure.message }],
          findings: findingRows(run.id, step.id, failure.findings, at),
          run: {
            status: 'failed',
            now: at,
            error: { code: failure.code, message: failure.message, step: step.step_key },
            usage,
          },
        });
        return ended ? 'failed' : 'lease_lost';
      }
    }
    return 'completed';
  } finally {
    await lease.stop();
  }
}
