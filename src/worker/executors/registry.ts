// Every executor this build has, by the key the runner looks callees up with: `builtin:<name>`
// for built-in agents and tools, the kind otherwise.
import type { AllowList } from '../net/address-policy.ts';
import type { Executor } from '../executor.ts';
import { httpCheckTool } from './builtin/http-check.ts';
import { httpJourneyAgent } from './builtin/http-journey.ts';
import { transformTool } from './builtin/transform.ts';
import { httpExecutor } from './http/http-executor.ts';

export function executors(deps: {
  readonly allow: AllowList;
  readonly now: () => number;
}): Readonly<Record<string, Executor>> {
  return {
    'builtin:http_journey': httpJourneyAgent(deps),
    'builtin:http_check': httpCheckTool(deps),
    'builtin:transform': transformTool(),
    http: httpExecutor(deps),
  };
}
