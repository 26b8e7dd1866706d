// The REST API under /api: one encapsulated plugin with its own JSON body parser, zod validation,
// problem+json errors and OpenAPI document; /api/v1 adds authentication and idempotency.
import type { FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { ApiDeps } from './api-deps.ts';
import { registerAuthentication } from './authentication.ts';
import { registerErrorHandler } from './error-handler.ts';
import { registerIdempotency } from './idempotency.ts';
import { registerJsonBody } from './json-body.ts';
import { registerOpenApi } from './openapi.ts';
import { ApiRateLimiter, DEFAULT_RATE_LIMITS, registerRateLimits } from './rate-limit.ts';
import { validatorCompiler } from './request-validation.ts';
import { auditLogRoutes } from './routes/audit-log.ts';
import { authorizationRoutes } from './routes/authorization.ts';
import { clientRoutes } from './routes/clients.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { mailRoutes } from './routes/mail.ts';
import { oauthAppRoutes } from './routes/oauth-app.ts';
import { projectRoutes } from './routes/projects.ts';
import { registryRoutes } from './routes/registry.ts';
import { runEventRoutes } from './routes/run-events.ts';
import { runRoutes } from './routes/runs.ts';
import { scheduleForecastRoutes } from './routes/schedule-forecast.ts';
import { scheduleItemRoutes } from './routes/schedule-items.ts';
import { scheduleRunRoutes } from './routes/schedule-runs.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { tenantRoutes } from './routes/tenant.ts';
import { testPlanRoutes } from './routes/test-plans.ts';

export function registerApi(app: FastifyInstance, deps: ApiDeps): void {
  // One limiter for both prefixes: a client's allowance is the same whichever path it calls.
  const limiter = new ApiRateLimiter(deps.rateLimits ?? DEFAULT_RATE_LIMITS, deps.now);
  // Plugins load when the server starts (ready or listen), in registration order.
  void app.register(
    async (api) => {
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      registerJsonBody(api);
      registerErrorHandler(api, deps.stores);
      await registerOpenApi(api);
      await api.register(
        async (v1) => {
          registerAuthentication(v1, deps.credentials, deps.actorScope);
          registerRateLimits(v1, limiter);
          registerIdempotency(v1, deps.stores.idempotency, deps.now);
          await v1.register(projectRoutes, deps);
          await v1.register(registryRoutes('agents'), deps);
          await v1.register(registryRoutes('tools'), deps);
          await v1.register(journeyRoutes, deps);
          await v1.register(testPlanRoutes, deps);
          await v1.register(scheduleRoutes, deps);
          await v1.register(scheduleItemRoutes, deps);
          await v1.register(clientRoutes, deps);
          await v1.register(scheduleRunRoutes, deps);
          await v1.register(runRoutes, deps);
          await v1.register(runEventRoutes, deps);
          await v1.register(scheduleForecastRoutes, deps);
          await v1.register(tenantRoutes, deps);
          await v1.register(mailRoutes, deps);
          await v1.register(authorizationRoutes, deps);
          await v1.register(auditLogRoutes, deps);
        },
        { prefix: '/v1' },
      );
    },
    { prefix: '/api' },
  );
  // Seed 1's registration endpoint lives outside /api, at the seed's exact path, with the same
  // body rules, errors, authentication and rate limits.
  void app.register(
    async (ai) => {
      ai.setValidatorCompiler(validatorCompiler);
      ai.setSerializerCompiler(serializerCompiler);
      registerJsonBody(ai);
      registerErrorHandler(ai, deps.stores);
      registerAuthentication(ai, deps.credentials, deps.actorScope);
      registerRateLimits(ai, limiter);
      await ai.register(oauthAppRoutes, deps);
    },
    { prefix: '/ai/api/v1' },
  );
}
