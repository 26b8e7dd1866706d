// What the runner asks of an agent or tool executor (SPEC section 5): one call per step, with a
// stable idempotency key, returning output, findings and log lines, or a typed failure.
import type { Severity } from '../core/finding-severity.ts';

export interface StepCall {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** Stable across attempts of the same step: run id + step id. */
  readonly idempotencyKey: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** The run's runtime parameters (from the schedule item or the manual run). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** What is called: failures of agents are `agent_error`, of tools `tool_error`. */
  readonly callee: 'agent' | 'tool';
  readonly config: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
}

export interface StepResult {
  readonly output: unknown;
  readonly findings: readonly {
    readonly severity: Severity;
    readonly title: string;
    readonly detail?: string;
  }[];
  readonly logs: readonly {
    readonly level: 'debug' | 'info' | 'warn' | 'error';
    readonly message: string;
  }[];
  /** What the call cost, when the callee reports it. */
  readonly usage?: Usage;
}

export interface Usage {
  readonly tokens?: number;
  readonly cost?: number;
}

/** Adds up usage over a run's steps. */
export function addUsage(total: Usage | undefined, more: Usage | undefined): Usage | undefined {
  if (more === undefined) return total;
  const sum = (a?: number, b?: number) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const tokens = sum(total?.tokens, more.tokens);
  const cost = sum(total?.cost, more.cost);
  return { ...(tokens === undefined ? {} : { tokens }), ...(cost === undefined ? {} : { cost }) };
}

export interface Executor {
  call(call: StepCall): Promise<StepResult>;
}

export type StepErrorCode =
  | 'agent_error'
  | 'agent_timeout'
  | 'tool_error'
  | 'invalid_output'
  | 'ssrf_blocked'
  | 'target_unreachable'
  | 'authorization_failed';

/**
 * A step that failed; `retryable` failures are called again with backoff (run-runner.ts), waiting
 * at least `retryAfterMs` when the callee said how long (a `Retry-After` header).
 */
export class StepFailed extends Error {
  readonly code: StepErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /** What the step found before it failed: kept with the failure (a check's network error). */
  findings: StepResult['findings'] = [];
  constructor(code: StepErrorCode, message: string, retryable = false, retryAfterMs?: number) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The error code of a failed call to `callee`. */
export const calleeError = (callee: StepCall['callee']): StepErrorCode =>
  callee === 'tool' ? 'tool_error' : 'agent_error';
