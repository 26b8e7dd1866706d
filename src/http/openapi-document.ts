// The OpenAPI document without a database: the API registered over stores that are never called,
// for `npm run docs:openapi` and the test that keeps docs/openapi.json in step with the code.
import Fastify from 'fastify';
import { registerApi } from './api.ts';
import type { ApiStores } from './ports.ts';

const never = () => Promise.reject(new Error('the OpenAPI document is built without stores'));
// Every store is an object whose every method rejects; routes only keep references to them.
const unused = new Proxy({} as ApiStores, {
  get: (_target, name) =>
    name === 'isUnavailable' || name === 'isReferenceGone'
      ? () => false
      : new Proxy({}, { get: () => never }),
});

export async function openApiDocument(): Promise<string> {
  const app = Fastify({ logger: false });
  registerApi(app, {
    stores: unused,
    engine: { trigger: never },
    mail: { forceDigest: never, listOutbox: never, readOutboxEntry: never, mailStatus: never },
    authorization: { status: never, revoke: never },
    credentials: [],
    now: () => 0,
    newId: () => '00000000-0000-7000-8000-000000000000',
  });
  const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
  await app.close();
  if (response.statusCode !== 200) throw new Error(`GET /api/openapi.json: ${response.body}`);
  return `${JSON.stringify(response.json(), null, 2)}\n`;
}
