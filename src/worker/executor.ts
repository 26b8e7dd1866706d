// What the runner asks of an agent or tool executor (SPEC section 5): one call per step, with a
// stable idempotency key, returning output, findings and log lines, or a typed failure.

export interface StepCall {
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** Stable across attempts of the same step: run id + step id. */
  readonly idempotencyKey: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly config: Readonly<Record<string, unknown>>;
  readonly signal: AbortSignal;
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

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
}

export interface Executor {
  call(call: StepCall): Promise<StepResult>;
}

export type StepErrorCode =
  'agent_error' | 'agent_timeout' | 'tool_error' | 'invalid_output' | 'ssrf_blocked';

/** A step that failed; `retryable` failures are called again with backoff (run-runner.ts). */
export class StepFailed extends Error {
  readonly code: StepErrorCode;
  readonly retryable: boolean;
  constructor(code: StepErrorCode, message: string, retryable = false) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }
}
