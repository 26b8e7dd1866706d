// The methods each route path answers, collected as routes are added, so that a known path asked
// with another method is a 405 with `Allow` (RFC 9110 section 15.5.6) rather than a 404.
import type { FastifyInstance } from 'fastify';

export interface RouteMethods {
  /** The methods `path` answers to, or an empty list when no route has that shape. */
  allowed(path: string): string[];
}

export function collectRouteMethods(app: FastifyInstance): RouteMethods {
  const routes: { pattern: RegExp; methods: readonly string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    const source = route.url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    routes.push({ pattern: new RegExp(`^${source}/?$`), methods });
  });
  return {
    allowed(path) {
      const methods = new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods));
      if (methods.has('GET')) methods.add('HEAD');
      return [...methods].sort();
    },
  };
}
