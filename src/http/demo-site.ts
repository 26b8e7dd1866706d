// The demo shop `rota demo` schedules journeys against: a few pages on Rota's own HTTP server,
// so a fresh install shows real runs with nothing else running. Payment fails on odd minutes,
// so findings show up too.
import type { FastifyInstance } from 'fastify';

const page = (title: string, body: string) =>
  `<!doctype html><html><head><title>${title} · Demo shop</title></head>` +
  `<body><h1>${title}</h1>${body}</body></html>`;

const PAGES: Readonly<Record<string, string>> = {
  '/demo/shop/': page('Welcome to the demo shop', '<a href="products/teapot">Teapot</a>'),
  '/demo/shop/products/teapot': page('Teapot', '<p>A sturdy teapot. 24 €.</p>'),
  '/demo/shop/cart': page('Your cart', '<p>1 × Teapot</p>'),
};

export function registerDemoSite(app: FastifyInstance, now: () => number): void {
  for (const [path, html] of Object.entries(PAGES))
    app.get(path, (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  app.get('/demo/shop/checkout', (_request, reply) => {
    const down = Math.floor(now() / 60_000) % 2 === 1;
    return reply
      .code(down ? 503 : 200)
      .type('text/html; charset=utf-8')
      .send(
        down
          ? page('Payment unavailable', '<p>Try again later.</p>')
          : page('Thank you', '<p>Your order is on its way.</p>'),
      );
  });
}
