// Whether a tick's digest is sent (SPEC section 8): `always`, or `on_failure` when a run failed
// or, with `min_severity` set, a finding at or above it was reported (a QA finding is a failure
// of the journey).
import type { DigestConfig } from './digest-config.ts';
import { atOrAbove, type Severity } from './finding-severity.ts';

export interface TickFacts {
  readonly failedRuns: number;
  readonly findingSeverities: readonly Severity[];
}

export function digestWanted(config: DigestConfig | null, facts: TickFacts): boolean {
  if (config === null || !config.enabled) return false;
  if (config.send === 'always') return true;
  if (facts.failedRuns > 0) return true;
  const min = config.minSeverity;
  return min !== null && facts.findingSeverities.some((s) => atOrAbove(s, min));
}
