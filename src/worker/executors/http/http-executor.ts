// The `http` executor (SPEC section 5): the team's own agent runtime or service. Each call POSTs
// `{ run_id, step_id, attempt, input, parameters }` to the callee's URL with the step's
// Idempotency-Key, so a re-attempt after a crash is recognisable as the same call; the answer is
// `{ output, findings?, logs?, usage? }`. 5xx, 429 and connection failures are retried (honouring
// Retry-After), other non-2xx answers fail the step at once.
import { parseRetryAfter } from '../../../core/retry-after.ts';
import type { AllowList } from '../../net/address-policy.ts';
import { guardedFetch, OutboundBlocked, ResponseTooLarge } from '../../net/outbound-guard.ts';
import { calleeError, StepFailed, type Executor, type StepCall } from '../../executor.ts';
import { readStepResult } from './step-result.ts';

export interface HttpCalleeConfig {
  readonly url: string;
  /** Static headers (e.g. an API key) until on-behalf-of tokens arrive with the identity issue. */
  readonly headers: Readonly<Record<string, string>>;
}

/** An RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers the executor sets itself; configuration cannot replace them. */
const RESERVED = new Set(['content-type', 'idempotency-key', 'host', 'content-length']);

export function readHttpConfig(call: StepCall): HttpCalleeConfig {
  const { url, headers = {} } = call.config;
  const fail = (message: string) => new StepFailed(calleeError(call.callee), message);
  if (typeof url !== 'string') throw fail('An http agent or tool needs config.url.');
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw fail('config.headers must be an object of header names to strings.');
  const entries = Object.entries(headers as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (typeof value !== 'string' || /[\r\n\0]/.test(value) || !HEADER_NAME.test(name))
      throw fail(`config.headers["${name}"] is not a valid header.`);
  }
  return { url, headers: Object.fromEntries(entries) as Record<string, string> };
}

const snippet = (body: string): string => (body.length > 300 ? `${body.slice(0, 300)}…` : body);

export function httpExecutor(deps: {
  readonly allow: AllowList;
  readonly now: () => number;
}): Executor {
  return {
    async call(call) {
      const config = readHttpConfig(call);
      const code = calleeError(call.callee);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(config.headers))
        if (!RESERVED.has(name.toLowerCase())) headers[name] = value;
      let response;
      try {
        response = await guardedFetch(
          config.url,
          {
            method: 'POST',
            headers: {
              ...headers,
              'content-type': 'application/json',
              accept: 'application/json',
              'idempotency-key': call.idempotencyKey,
            },
            body: JSON.stringify({
              run_id: call.runId,
              step_id: call.stepId,
              attempt: call.attempt,
              input: call.input,
              parameters: call.parameters,
            }),
            signal: call.signal,
          },
          // The step's own timeout (the signal) bounds the call; the guard's is a backstop.
          { allow: deps.allow, timeoutMs: 24 * 60 * 60_000 },
        );
      } catch (error) {
        if (error instanceof OutboundBlocked) throw new StepFailed('ssrf_blocked', error.message);
        if (error instanceof ResponseTooLarge) throw new StepFailed(code, error.message);
        if (call.signal.aborted) throw error; // the runner reports the timeout or cancellation
        throw new StepFailed(code, `POST ${config.url} failed: ${(error as Error).message}`, true);
      }
      if (response.status < 200 || response.status > 299) {
        const retryable = response.status >= 500 || response.status === 429;
        throw new StepFailed(
          code,
          `POST ${config.url} answered HTTP ${response.status}: ${snippet(response.body)}`,
          retryable,
          retryable ? parseRetryAfter(response.headers.get('retry-after'), deps.now()) : undefined,
        );
      }
      return readStepResult(response.body);
    },
  };
}
