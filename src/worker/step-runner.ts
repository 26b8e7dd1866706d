// Executes one planned step (SPEC section 4): finds its callee and the executor for it, opens the
// callee's sealed credentials, calls it with the step's stable idempotency key under the step's
// timeout, and retries retryable failures with backoff. Returns what the call produced, or the
// typed failure, with the log lines the retries left; the run runner records either.
import { headerSealContext, openHeaders, type SecretSeal } from '../core/callee-config.ts';
import type { CalleeForStep, ClaimedRun, StepCallee, StepSlot } from '../core/work-records.ts';
import { StepFailed, type Executor, type StepCall, type StepResult } from './executor.ts';
import type { WorkerStore } from './worker-store.ts';

export interface StepRunnerDeps {
  readonly store: Pick<WorkerStore, 'callee'>;
  /** Executors by callee: `builtin:http_journey`, `http`, … */
  readonly executors: Readonly<Record<string, Executor>>;
  readonly defaultStepTimeoutMs?: number;
  /** Calls of a step before a retryable failure fails it (SPEC section 4); default 3. */
  readonly maxCallsPerStep?: number;
  /**
   * Opens callees' sealed header values (SPEC section 7). Without it, a callee that carries
   * credentials fails its step with `agent_error` rather than being called without them.
   */
  readonly secrets?: Pick<SecretSeal, 'open' | 'isSealed'>;
  /** Waits between retries; tests pass one that does not wait. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export type StepOutcome =
  | { readonly ok: true; readonly result: StepResult; readonly retries: readonly string[] }
  | { readonly ok: false; readonly failure: StepFailed; readonly retries: readonly string[] };

const DEFAULT_STEP_TIMEOUT_MS = 600_000;
const MAX_RETRY_WAIT_MS = 5 * 60_000;

/** Backoff before call `n` (1-based) of a step: 1 s, 2 s, 4 s … at most 30 s. */
export const retryDelayMs = (call: number): number => Math.min(30_000, 1000 * 2 ** (call - 2));

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Calls the executor, retrying retryable failures with backoff while the step has time left. */
async function callWithRetries(
  deps: StepRunnerDeps,
  executor: Executor,
  call: StepCall,
  log: (message: string) => void,
): Promise<StepResult> {
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

/** The executor a callee is called through: `builtin:<name>` for built-ins, else its kind. */
const executorKey = (callee: CalleeForStep | undefined): string =>
  callee === undefined
    ? 'missing'
    : callee.kind === 'builtin'
      ? `builtin:${String(callee.config.builtin)}`
      : callee.kind;

/** The callee's configuration with its header values opened for the call; fails if it cannot. */
function withCredentials(
  deps: StepRunnerDeps,
  config: Record<string, unknown>,
  callee: StepCallee,
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
      return deps.secrets.open(
        sealed,
        headerSealContext(callee.kind === 'agent' ? 'agents' : 'tools', callee.id ?? '', name),
      );
    } catch (error) {
      throw new StepFailed(
        'agent_error',
        `The agent's header ${name} could not be opened: ${(error as Error).message}.`,
      );
    }
  });
}

/**
 * Runs `step` of `run` once (with its retries), called with `input`; `signal` aborts it (the
 * lease was lost, or the worker is shutting down).
 */
export async function runStep(
  deps: StepRunnerDeps,
  run: ClaimedRun,
  step: StepSlot,
  input: Readonly<Record<string, unknown>>,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const retries: string[] = [];
  let timeoutMs = deps.defaultStepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  let timeout: AbortSignal | undefined;
  const timedOut = () =>
    new StepFailed('agent_timeout', `The step took longer than ${timeoutMs / 1000} s.`);
  try {
    const callee = await deps.store.callee(step.callee);
    const key = executorKey(callee);
    const executor = deps.executors[key];
    timeoutMs = (callee?.timeoutSeconds ?? 0) * 1000 || timeoutMs;
    timeout = AbortSignal.timeout(timeoutMs);
    if (executor === undefined)
      throw new StepFailed('agent_error', `No executor for agent kind "${key}".`);
    const config = withCredentials(deps, callee?.config ?? {}, step.callee);
    const result = await callWithRetries(
      deps,
      executor,
      {
        runId: run.id,
        stepId: step.id,
        attempt: run.attempt,
        idempotencyKey: step.id,
        input,
        parameters: run.parameters,
        callee: step.callee.kind,
        config,
        signal: AbortSignal.any([signal, timeout]),
      },
      (message) => retries.push(message),
    );
    if (timeout.aborted) throw timedOut();
    return { ok: true, result, retries };
  } catch (error) {
    const failure =
      error instanceof StepFailed
        ? error
        : timeout?.aborted === true
          ? timedOut()
          : new StepFailed('agent_error', (error as Error).message);
    return { ok: false, failure, retries };
  }
}
