// The HTTP server: the operational endpoints every role serves (/healthz: the process is alive;
// /readyz: it can do its job, the database answers and its roles started; /metrics: Prometheus)
// and, when given its dependencies, the REST API under /api (api.ts).
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.ts';
import { registerApi } from './api.ts';
import { answerClientError } from './client-errors.ts';
import { registerDemoSite } from './demo-site.ts';
import { registerLandingPage } from './landing-page.ts';
import type { Metrics } from './metrics.ts';
import type { AuthorizePages } from './authorize-port.ts';
import { registerAuthorizePages } from './routes/authorize.ts';
import { registerOAuthRoutes, type OAuthEndpoints } from './routes/oauth.ts';

export interface Readiness {
  readonly ready: boolean;
  /** Each check by name: "ok", or what is wrong. */
  readonly checks: Readonly<Record<string, string>>;
}

export interface AppDeps {
  readonly logger: FastifyBaseLogger;
  readonly metrics: Metrics;
  readonly readiness: () => Promise<Readiness>;
  readonly now: () => number;
  /** The REST API's stores, authenticator and hooks; without them only the endpoints above run. */
  readonly api?: Omit<ApiDeps, 'now'>;
  /** `POST /oauth/token` and `/.well-known/jwks.json`; absent, neither route exists. */
  readonly oauth?: OAuthEndpoints;
  /** The Authorize popup's pages (`/oauth/start`, `/oauth/authorize`, `/oauth/callback`). */
  readonly authorizePages?: AuthorizePages;
}

const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    // Probes and scrapes arrive every few seconds; logging each would drown the real lines.
    logController: new LogController({
      disableRequestLogging: (request) => OPS_PATHS.has(request.url.split('?')[0] ?? ''),
    }),
    bodyLimit: 1_048_576,
    clientErrorHandler: answerClientError,
  });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await deps.readiness();
    return reply
      .code(readiness.ready ? 200 : 503)
      .send({ status: readiness.ready ? 'ready' : 'unavailable', checks: readiness.checks });
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
  registerLandingPage(app);
  registerDemoSite(app, deps.now);
  if (deps.api !== undefined) registerApi(app, { ...deps.api, now: deps.now });
  if (deps.oauth !== undefined) registerOAuthRoutes(app, deps.oauth, deps.now);
  if (deps.authorizePages !== undefined) registerAuthorizePages(app, deps.authorizePages);
  return app;
}
