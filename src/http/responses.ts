// Response declarations shared by every route, so the OpenAPI document lists the problems each
// route can answer with, in application/problem+json. Routes list their own (404, 409, 412…);
// those every operation can answer are added once, in implicit-problems.ts.
import { z } from 'zod';
import { Problem } from '../contract/common.ts';

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'The resource changed since the ETag in If-Match (precondition_failed)',
  413: 'Body too large',
  415: 'Not application/json',
  429: 'Too many requests; see Retry-After',
  503: 'Database unreachable; see Retry-After',
};

export function problems<S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/problem+json': { schema: Problem } },
      },
    ]),
  ) as Record<
    S,
    { description: string; content: { 'application/problem+json': { schema: typeof Problem } } }
  >;
}

export const NoContent = z.undefined().describe('Deleted');
