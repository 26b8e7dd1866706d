// Every answer the API gives in the test suite must be one its OpenAPI document lists for that
// operation: the harness watches each response and, when it closes, names every status an
// operation answered that its document does not declare.
import type { FastifyInstance } from 'fastify';

interface Seen {
  readonly method: string;
  readonly route: string;
  readonly status: number;
}

type Operations = Record<string, Record<string, { responses?: Record<string, unknown> }>>;

/** `/api/v1/schedules/:id` as OpenAPI writes it: `/api/v1/schedules/{id}`. */
const openApiPath = (route: string) => route.replace(/:(\w+)/g, '{$1}');

export function watchStatuses(app: FastifyInstance) {
  const seen = new Map<string, Seen>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    // Answers of no route (unknown paths, other methods) belong to no operation.
    if (route !== undefined && route.startsWith('/api/v1/')) {
      const entry = { method: request.method.toLowerCase(), route, status: reply.statusCode };
      seen.set(`${entry.method} ${route} ${entry.status}`, entry);
    }
    done();
  });
  return {
    /** The answers seen that the document does not list, as "GET /path → 409". */
    async undocumented(): Promise<string[]> {
      const document = await app.inject({ method: 'GET', url: '/api/openapi.json' });
      const { paths } = document.json<{ paths: Operations }>();
      return [...seen.values()]
        .filter(({ method, route, status }) => {
          const responses = paths[openApiPath(route)]?.[method]?.responses ?? {};
          return !(String(status) in responses);
        })
        .map(({ method, route, status }) => `${method.toUpperCase()} ${route} → ${status}`)
        .sort();
    },
  };
}
