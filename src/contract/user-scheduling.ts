// Seed 1's registration of the scheduling app: the answer is fixed, byte for byte.
import { z } from 'zod';

export const OAUTH_APP_REGISTERED = 'OAuth app registered successfully';

export const OAuthAppRegistered = z
  .object({ success: z.literal(true), message: z.literal(OAUTH_APP_REGISTERED) })
  .describe('Scheduling on behalf of users is enabled for the tenant.');

/** The seed’s curl sends no body (Fastify passes null) with `Content-Type: application/json`; `{}` is the same. */
export const OAuthAppRegisterBody = z.object({}).strict().nullish();
