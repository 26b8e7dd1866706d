// The lines `rota serve` ends its start with: where it answers, where its data is, and what to
// do next (SPEC section 10: "prints how to sign in" once there are users).
import type { Logger } from '../logger.ts';

export function logReady(
  logger: Logger,
  details: {
    readonly url: string;
    readonly role: string;
    readonly database: string;
    readonly data: string;
  },
): void {
  // Tests and operators' scripts wait for this message; its fields say where.
  logger.info({ ...details }, 'rota is serving');
  logger.info(
    { docs: `${details.url}/api/docs` },
    'Next: create a machine client with `npx rota clients create --json`, exchange it at ' +
      `${details.url}/oauth/token, and read ${details.url}/api/docs; ` +
      '`npx rota demo` sets up a demo project that runs every minute.',
  );
}
