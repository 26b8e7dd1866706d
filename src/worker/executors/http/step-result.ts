// Reads a callee's answer `{ output, findings?, logs?, usage? }` (SPEC section 5). Anything else
// fails the step with `invalid_output`, saying what was wrong, rather than storing half of it.
import { joinWithOr } from '../../../core/english-phrases.ts';
import { isSeverity, SEVERITIES } from '../../../core/finding-severity.ts';
import { StepFailed, type StepResult } from '../../executor.ts';

const LEVELS = new Set<string>(['debug', 'info', 'warn', 'error']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const invalid = (message: string) => new StepFailed('invalid_output', message);

export function readStepResult(body: string): StepResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalid('The response is not JSON.');
  }
  if (!isObject(parsed) || !('output' in parsed))
    throw invalid('The response must be a JSON object with an "output" member.');
  const { output, findings = [], logs = [], usage } = parsed;
  if (!Array.isArray(findings)) throw invalid('"findings" must be a list.');
  if (!Array.isArray(logs)) throw invalid('"logs" must be a list.');
  return {
    output,
    findings: findings.map((finding: unknown, i) => {
      if (
        !isObject(finding) ||
        typeof finding.title !== 'string' ||
        !isSeverity(finding.severity) ||
        (finding.detail !== undefined && typeof finding.detail !== 'string')
      )
        throw invalid(
          `findings[${i}] needs a "title" string and a "severity" of ${joinWithOr(SEVERITIES)}.`,
        );
      return {
        severity: finding.severity,
        title: finding.title,
        ...(typeof finding.detail === 'string' ? { detail: finding.detail } : {}),
      };
    }),
    logs: logs.map((line: unknown, i) => {
      if (typeof line === 'string') return { level: 'info' as const, message: line };
      if (!isObject(line) || typeof line.message !== 'string')
        throw invalid(`logs[${i}] must be a string or { level, message }.`);
      const level = LEVELS.has(line.level as string) ? (line.level as 'info') : 'info';
      return { level, message: line.message };
    }),
    ...(usage === undefined ? {} : { usage: readUsage(usage) }),
  };
}

function readUsage(usage: unknown): NonNullable<StepResult['usage']> {
  if (!isObject(usage)) throw invalid('"usage" must be an object.');
  const number = (key: string): number | undefined => {
    const value = usage[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      throw invalid(`usage.${key} must be a non-negative number.`);
    return value;
  };
  const tokens = number('tokens') ?? number('total_tokens');
  const cost = number('cost');
  return { ...(tokens === undefined ? {} : { tokens }), ...(cost === undefined ? {} : { cost }) };
}
