// The `http` executor (SPEC section 5): the team's own agent runtime or service. Each call POSTs
// `{ run_id, step_id, attempt, input, parameters }` to the callee's URL with the step's
// Idempotency-Key, so a re-attempt after a crash is recognisable as the same call; the answer is
// `{ output, findings?, logs?, usage? }`. 5xx, 429 and connection failures are retried (honouring
// Retry-After), other non-2xx answers fail the step at once.
//
// Each call carries `Authorization: Bearer <on-behalf-of JWT>` minted for it (docs/authorization.md),
// unless the callee's own configuration sets an Authorization header (a third-party API's key):
// then that is sent instead, as configured. Either way the call needs a live identity to act for,
// so a run whose user has no live grant fails with `authorization_failed` before anything is sent.
import { parseRetryAfter } from '../../../core/retry-after.ts';
import type { AllowList } from '../../net/address-policy.ts';
import { guardedFetch, OutboundBlocked, ResponseTooLarge } from '../../net/outbound-guard.ts';
import type { CallCredential, CallIdentity } from '../../call-identity.ts';
import { calleeError, StepFailed, type Executor, type StepCall } from '../../executor.ts';
import { readStepResult } from './step-result.ts';

export interface HttpCalleeConfig {
  readonly url: string;
  /** Static headers (e.g. an API key); an Authorization among them replaces the token. */
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

/** The call's Authorization header: the configured one, else a token minted for this call. */
async function authorization(
  identity: CallIdentity | undefined,
  call: StepCall,
  config: HttpCalleeConfig,
): Promise<Record<string, string>> {
  if (identity === undefined) return {};
  if (!URL.canParse(config.url))
    throw new StepFailed(calleeError(call.callee), `config.url ${config.url} is not a URL.`);
  let credential: CallCredential;
  try {
    credential = await identity.onBehalfOf({ id: call.runId }, config.url);
  } catch (error) {
    throw new StepFailed(
      calleeError(call.callee),
      `Could not mint the call's on-behalf-of token: ${(error as Error).message}`,
      true,
    );
  }
  if (!credential.ok) throw new StepFailed(credential.code, credential.message);
  const configured = Object.keys(config.headers).some((n) => n.toLowerCase() === 'authorization');
  return configured ? {} : { authorization: `Bearer ${credential.bearer}` };
}

export function httpExecutor(deps: {
  readonly allow: AllowList;
  readonly now: () => number;
  readonly identity?: CallIdentity;
}): Executor {
  return {
    async call(call) {
      const config = readHttpConfig(call);
      const code = calleeError(call.callee);
      const headers: Record<string, string> = await authorization(deps.identity, call, config);
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
