// The built-in `http_journey` agent (SPEC section 5): walks a journey's `inputs.steps`, a list
// of HTTP checks, and reports each failed check as a finding with that check's severity, so that
// journeys run on a fresh install with no LLM.
import { StepFailed, type Executor, type StepResult } from '../../executor.ts';
import { performCheck, readCheck, type CheckDeps } from './http-check.ts';

export function httpJourneyAgent(deps: CheckDeps): Executor {
  return {
    async call({ input, signal, idempotencyKey }): Promise<StepResult> {
      const steps = input.steps;
      if (!Array.isArray(steps) || steps.length === 0) {
        throw new StepFailed(
          'agent_error',
          'http_journey needs inputs.steps: a non-empty list of HTTP checks',
        );
      }
      const baseUrl = typeof input.base_url === 'string' ? input.base_url : undefined;
      const checks = steps.map((raw: unknown, i) =>
        readCheck(raw, { where: `inputs.steps[${i}]`, baseUrl, code: 'agent_error' }, i),
      );
      const findings: StepResult['findings'][number][] = [];
      const logs: StepResult['logs'][number][] = [];
      const results = [];
      for (const check of checks) {
        if (signal.aborted) throw new StepFailed('agent_timeout', 'the step was stopped', true);
        const outcome = await performCheck(check, deps, { signal, idempotencyKey });
        results.push(outcome.result);
        logs.push(outcome.log);
        findings.push(...outcome.findings);
      }
      // Nothing answered at all: the journey says nothing about the target, so it did not pass.
      if (results.every((r) => r.status === null)) {
        const failed = new StepFailed(
          'target_unreachable',
          `No check reached its target: ${results[0]?.problems[0] ?? 'no answer'}`,
        );
        failed.findings = findings;
        throw failed;
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
