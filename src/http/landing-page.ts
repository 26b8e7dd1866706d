// `GET /` until the web UI takes it (the UI issue): a small page that says what this is and
// where the API's documentation is.
import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rota</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Rota is running</h1>
<p>Recurring, budget-aware scheduling of AI-agent work. The web UI is on its way; today Rota is
used through its REST API and the <code>rota</code> command line.</p>
<ul>
<li><a href="/api/docs">API documentation</a> (OpenAPI at <a href="/api/openapi.json">/api/openapi.json</a>)</li>
<li>Create a machine client: <code>npx rota clients create --json</code></li>
<li>See it work: <code>npx rota demo</code>, then watch this server's log</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>
</body>
</html>
`;

export function registerLandingPage(app: FastifyInstance): void {
  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}
