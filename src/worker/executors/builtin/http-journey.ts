// The built-in `http_journey` agent (SPEC section 5): walks a journey's `inputs.steps`, a list
// of HTTP checks, and reports each failed check as a finding with that check's severity, so that
// journeys run on a fresh install with no LLM.
import type { AllowList } from '../../net/address-policy.ts';
import { guardedFetch, OutboundBlocked } from '../../net/outbound-guard.ts';
import { StepFailed, type Executor, type Severity, type StepResult } from '../../executor.ts';

interface Check {
  readonly name: string;
  readonly url: string;
  readonly method: string;
  readonly expectStatus: number;
  readonly expectText: string | undefined;
  readonly severity: Severity;
}

const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function readChecks(input: Readonly<Record<string, unknown>>): Check[] {
  const steps = input.steps;
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new StepFailed(
      'agent_error',
      'http_journey needs inputs.steps: a non-empty list of HTTP checks',
    );
  }
  const base = typeof input.base_url === 'string' ? input.base_url : undefined;
  return steps.map((raw: unknown, i): Check => {
    const step = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const target =
      typeof step.url === 'string'
        ? step.url
        : typeof step.path === 'string' && base
          ? new URL(step.path, base).toString()
          : undefined;
    if (target === undefined)
      throw new StepFailed(
        'agent_error',
        `inputs.steps[${i}] needs a url, or a path and inputs.base_url`,
      );
    return {
      name: typeof step.name === 'string' ? step.name : `check ${i + 1}`,
      url: target,
      method: typeof step.method === 'string' ? step.method.toUpperCase() : 'GET',
      expectStatus: typeof step.expect_status === 'number' ? step.expect_status : 200,
      expectText: typeof step.expect_text === 'string' ? step.expect_text : undefined,
      severity: SEVERITIES.includes(step.severity as Severity)
        ? (step.severity as Severity)
        : 'high',
    };
  });
}

export function httpJourneyAgent(deps: {
  readonly allow: AllowList;
  readonly now: () => number;
}): Executor {
  return {
    async call({ input, signal, idempotencyKey }): Promise<StepResult> {
      const checks = readChecks(input);
      const findings: StepResult['findings'][number][] = [];
      const logs: StepResult['logs'][number][] = [];
      const results = [];
      for (const check of checks) {
        if (signal.aborted) throw new StepFailed('agent_timeout', 'the step was stopped', true);
        const started = deps.now();
        try {
          const response = await guardedFetch(
            check.url,
            { method: check.method, headers: { 'idempotency-key': idempotencyKey }, signal },
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
          results.push({
            name: check.name,
            status: response.status,
            ok: problems.length === 0,
            latency_ms: latency,
          });
          logs.push({
            level: problems.length === 0 ? 'info' : 'warn',
            message: `${check.name}: ${check.method} ${check.url} → ${response.status} in ${latency} ms`,
          });
          for (const problem of problems)
            findings.push({
              severity: check.severity,
              title: `${check.name}: ${problem}`,
              detail: `${check.method} ${check.url}`,
            });
        } catch (error) {
          if (error instanceof OutboundBlocked)
            throw new StepFailed('ssrf_blocked', `${check.name}: ${error.message}`);
          const latency = deps.now() - started;
          results.push({ name: check.name, status: null, ok: false, latency_ms: latency });
          logs.push({
            level: 'error',
            message: `${check.name}: ${check.method} ${check.url} failed: ${(error as Error).message}`,
          });
          findings.push({
            severity: check.severity,
            title: `${check.name}: the request failed`,
            detail: (error as Error).message,
          });
        }
      }
      return {
        output: {
          checks: results,
          passed: results.filter((r) => r.ok).length,
          failed: results.filter((r) => !r.ok).length,
        },
        findings,
        logs,
      };
    },
  };
}
