// The OpenAPI 3.1 document, generated from the same zod schemas that validate requests, served
// at /api/openapi.json and browsable at /api/docs; docs/openapi.json is the committed copy.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { ETAG_HEADER } from './etag.ts';
import { implicitProblems, requiredScopes } from './implicit-problems.ts';
import { withLinks } from './openapi-links.ts';
import { problems } from './responses.ts';

/**
 * The zod schemas as JSON Schema, with the problems every operation can answer
 * (implicit-problems.ts) and the `ETag` header on the 2xx of routes that send one.
 */
const transform: typeof jsonSchemaTransform = (input) => {
  const implicit = implicitProblems(input.route.method, input.url, input.schema);
  const transformed = jsonSchemaTransform({
    ...input,
    schema: {
      ...input.schema,
      response: { ...problems(...implicit), ...(input.schema.response as object | undefined) },
      ...(input.url.startsWith('/api/v1/')
        ? {
            // Signing in needs no credential; everything else takes a token or a session.
            security:
              input.route.config?.public === true
                ? []
                : [{ bearer: requiredScopes(input.route) }, { session: [] }],
          }
        : {}),
    },
  });
  if (input.route.config?.etag !== true) return transformed;
  const response = transformed.schema.response as Record<string, object> | undefined;
  for (const status of ['200', '201'])
    if (response?.[status] !== undefined)
      response[status] = { ...response[status], headers: ETAG_HEADER };
  return transformed;
};

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Rota API',
        version: '1',
        description:
          'Recurring, budget-aware scheduling of AI-agent work. Errors are application/problem+json with a stable `code` (docs/errors.md). A path below with a method it does not list answers 405 `method_not_allowed` with `Allow`; an unknown path under /api answers 404 `not_found`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'rota_session',
            description:
              'A signed-in user’s session (POST /api/v1/session); unsafe methods also need `X-CSRF-Token`.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform,
    transformObject: (document) => withLinks(jsonSchemaTransformObject(document)),
  });
  // The page without its trailing slash links its assets from the API's own prefix.
  await app.register(swaggerUi, { routePrefix: '/docs', indexPrefix: '/api' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
}
