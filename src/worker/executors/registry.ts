// Every executor this build has, by the key the runner looks callees up with: `builtin:<name>`
// for built-in agents and tools, the kind otherwise.
import type { AllowList } from '../net/address-policy.ts';
import type { CallIdentity } from '../call-identity.ts';
import type { Executor } from '../executor.ts';
import { httpCheckTool } from './builtin/http-check.ts';
import { httpJourneyAgent } from './builtin/http-journey.ts';
import { transformTool } from './builtin/transform.ts';
import { httpExecutor } from './http/http-executor.ts';

export function executors(deps: {
  readonly allow: AllowList;
  readonly now: () => number;
  /** Who the runs act for; absent, http callees get no on-behalf-of token (some tests). */
  readonly identity?: CallIdentity;
}): Readonly<Record<string, Executor>> {
  const { allow, now } = deps;
  return {
    // The built-ins call the site under test, not an agent: they carry no on-behalf-of token.
    'builtin:http_journey': httpJourneyAgent({ allow, now }),
    'builtin:http_check': httpCheckTool({ allow, now }),
    'builtin:transform': transformTool(),
    http: httpExecutor(deps),
  };
}
