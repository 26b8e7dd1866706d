// One synthetic HTTP check: fetch a URL through the outbound guard, assert its status and text,
// time it. The `http_check` tool is one check; the `http_journey` agent walks a list of them.
// A check that fails its assertions is a finding, not a failed step: it did its job.
import { isSeverity, type Severity } from '../../../core/finding-severity.ts';
import type { AllowList } from '../../net/address-policy.ts';
import { guardedFetch, OutboundBlocked } from '../../net/outbound-guard.ts';
import { StepFailed, type Executor, type StepErrorCode, type StepResult } from '../../executor.ts';

export interface Check {
  readonly name: string;
  readonly url: string;
  readonly method: string;
  readonly expectStatus: number;
  readonly expectText: string | undefined;
  readonly severity: Severity;
}

export interface CheckDeps {
  readonly allow: AllowList;
  readonly now: () => number;
}

export interface CheckOutcome {
  readonly result: {
    readonly name: string;
    readonly url: string;
    readonly status: number | null;
    readonly ok: boolean;
    readonly latency_ms: number;
    readonly problems: readonly string[];
  };
  readonly findings: StepResult['findings'];
  readonly log: StepResult['logs'][number];
}

/** Reads one check from `raw`; `where` names it in errors (e.g. "inputs.steps[2]"). */
export function readCheck(
  raw: unknown,
  options: { readonly where: string; readonly baseUrl?: string; readonly code: StepErrorCode },
  index = 0,
): Check {
  const step = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { where, baseUrl, code } = options;
  const target =
    typeof step.url === 'string'
      ? step.url
      : typeof step.path === 'string' && baseUrl !== undefined
        ? joinUrl(baseUrl, step.path)
        : undefined;
  if (target === undefined)
    throw new StepFailed(code, `${where} needs a url, or a path and a base_url`);
  if (step.expect_status !== undefined && !Number.isInteger(step.expect_status))
    throw new StepFailed(code, `${where}.expect_status must be an HTTP status code`);
  return {
    name: typeof step.name === 'string' ? step.name : `check ${index + 1}`,
    url: target,
    method: typeof step.method === 'string' ? step.method.toUpperCase() : 'GET',
    expectStatus: typeof step.expect_status === 'number' ? step.expect_status : 200,
    expectText: typeof step.expect_text === 'string' ? step.expect_text : undefined,
    severity: isSeverity(step.severity) ? step.severity : 'high',
  };
}

/**
 * `path` under `baseUrl`, keeping the base's own path: `http://h/demo/shop` and `/` give
 * `http://h/demo/shop/`, and `./cart` or `cart` give `http://h/demo/shop/cart`.
 */
export function joinUrl(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL(path.replace(/^\/+/, ''), base).toString();
}

/** Why a request never got an answer, as its cause says it (`ECONNREFUSED`, `ENOTFOUND`…). */
const networkError = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const message = (error as Error).message;
  if (typeof cause?.code === 'string') return `${message} (${cause.code})`;
  return typeof cause?.message === 'string' ? `${message}: ${cause.message}` : message;
};

export async function performCheck(
  check: Check,
  deps: CheckDeps,
  call: { readonly signal: AbortSignal; readonly idempotencyKey: string },
): Promise<CheckOutcome> {
  const started = deps.now();
  try {
    const response = await guardedFetch(
      check.url,
      {
        method: check.method,
        headers: { 'idempotency-key': call.idempotencyKey },
        signal: call.signal,
      },
      { allow: deps.allow },
    );
    const latency = deps.now() - started;
    const problems = [
      response.status === check.expectStatus
        ? null
        : `expected HTTP ${check.expectStatus}, got ${response.status}`,
      check.expectText === undefined || response.body.includes(check.expectText)
        ? null
        : `the page does not contain "${check.expectText}"`,
    ].filter((p): p is string => p !== null);
    return {
      result: {
        name: check.name,
        url: check.url,
        status: response.status,
        ok: problems.length === 0,
        latency_ms: latency,
        problems,
      },
      log: {
        level: problems.length === 0 ? 'info' : 'warn',
        message: `${check.name}: ${check.method} ${check.url} → ${response.status} in ${latency} ms`,
      },
      findings: problems.map((problem) => ({
        severity: check.severity,
        title: `${check.name}: ${problem}`,
        detail: `${check.method} ${check.url}`,
      })),
    };
  } catch (error) {
    if (error instanceof OutboundBlocked)
      throw new StepFailed('ssrf_blocked', `${check.name}: ${error.message}`);
    if (call.signal.aborted) throw error; // the runner reports the timeout or cancellation
    const message = networkError(error);
    return {
      result: {
        name: check.name,
        url: check.url,
        status: null,
        ok: false,
        latency_ms: deps.now() - started,
        problems: [`the request failed: ${message}`],
      },
      log: {
        level: 'error',
        message: `${check.name}: ${check.method} ${check.url} failed: ${message}`,
      },
      findings: [
        {
          severity: check.severity,
          title: `${check.name}: the target could not be reached`,
          detail: `${check.method} ${check.url}: ${message}`,
        },
      ],
    };
  }
}

/** The `http_check` tool: one check, its input `{ url, method?, expect_status?, expect_text?, severity? }`. */
export function httpCheckTool(deps: CheckDeps): Executor {
  return {
    async call({ input, signal, idempotencyKey }): Promise<StepResult> {
      const check = readCheck(input, { where: 'input', code: 'tool_error' });
      const { result, findings, log } = await performCheck(check, deps, { signal, idempotencyKey });
      return { output: result, findings, logs: [log] };
    },
  };
}
