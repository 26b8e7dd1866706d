// The HTTP server of `rota serve`: the operational endpoints always, the token endpoint and the
// REST API for the roles that serve it, listening where the configuration says.
import type { Config } from '../config.ts';
import { buildApp } from '../http/app.ts';
import type { Metrics } from '../http/metrics.ts';
import { bearerCredential } from '../http/principal.ts';
import { rateLimits } from '../http/rate-limit.ts';
import type { Logger } from '../logger.ts';
import type { MailService } from '../mail/mail-service.ts';
import type { Database } from '../storage/database.ts';
import { isDatabaseUnavailable } from '../storage/database-unavailable.ts';
import { recordManualTick } from './activity-log.ts';
import { apiServices } from './api-services.ts';
import { audited } from '../storage/audited-store.ts';
import { actorScope, currentActor } from './request-actor.ts';
import type { Identity } from './identity.ts';
import { readiness } from './readiness.ts';

export interface HttpServerInput {
  readonly config: Config;
  readonly servesApi: boolean;
  readonly database: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly identity: Identity;
  readonly mail: MailService;
  readonly now: () => number;
  readonly newId: () => string;
  readonly isStopping: () => boolean;
  /** Schedules changed through the API: the scheduler looks again. */
  readonly onSchedulesChanged: () => void;
}

export function createHttpServer(input: HttpServerInput) {
  const { config, database, logger, metrics, identity: tokens, now, newId } = input;
  const services = apiServices(database, { now, newId }, tokens.box, (tick) =>
    recordManualTick(metrics, logger, tick),
  );
  return buildApp({
    logger,
    metrics,
    readiness: () => readiness(database, input.isStopping()),
    now,
    ...(input.servesApi
      ? {
          oauth: {
            token: tokens.token,
            jwks: () => tokens.service.jwks(),
            isUnavailable: isDatabaseUnavailable,
          },
          api: {
            mail: input.mail,
            ...services,
            stores: {
              ...services.stores,
              tenants: audited(
                database,
                (on) => ({
                  enableUserScheduling: (tenantId: string, at: number) =>
                    tokens.registerScheduling(on, tenantId, at),
                }),
                {
                  enableUserScheduling: {
                    action: () => 'registration.register',
                    target: (args) => ({ kind: 'tenant', id: args[0] as string }),
                  },
                },
                { now, actor: currentActor },
              ),
            },
            authorization: tokens.authorization,
            actorScope,
            credentials: [
              bearerCredential(async (header) => {
                const verified = await tokens.service.authenticate(header);
                return verified.ok ? verified.principal : verified.wwwAuthenticate;
              }),
            ],
            onSchedulesChanged: input.onSchedulesChanged,
            rateLimits: rateLimits(config.rateLimitPerClient, config.rateLimitPerTenant),
          },
        }
      : {}),
  });
}

/** Listens where the configuration says; the URL it answers at (port 0 takes a free one). */
export async function listen(
  app: ReturnType<typeof createHttpServer>,
  config: Config,
): Promise<string> {
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  // Listening on every address: name the one a person on this machine can open.
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
