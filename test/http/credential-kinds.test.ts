// The authentication seam takes more than one kind of credential: a second kind (here a cookie
// standing in for the coming session) goes in beside the bearer token without touching a route.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROLE_SCOPES } from '../../src/core/principal.ts';
import { principalOf, registerAuthentication } from '../../src/http/authentication.ts';
import { registerErrorHandler } from '../../src/http/error-handler.ts';
import { bearerCredential, type CredentialKind } from '../../src/http/principal.ts';
import { testTokens } from '../api/test-authenticator.ts';

const tokens = testTokens();
const member = (subject: string) =>
  ({ tenantId: 't', role: 'member', subject, kind: 'user', scopes: ROLE_SCOPES.member }) as const;

/** `cookie: pass=NAME` signs NAME in; a cookie on a POST without `x-check: yes` is refused. */
const cookieKind: CredentialKind = {
  verify(request) {
    const cookie = request.headers.cookie;
    if (typeof cookie !== 'string') return Promise.resolve(undefined);
    const name = /^pass=(\w+)$/.exec(cookie)?.[1];
    if (name === undefined)
      return Promise.resolve({
        refused: { status: 401, code: 'unauthenticated', detail: 'no such pass' },
      });
    if (request.method === 'POST' && request.headers['x-check'] !== 'yes')
      return Promise.resolve({
        refused: { status: 403, code: 'forbidden', detail: 'send x-check' },
      });
    return Promise.resolve(member(name));
  },
};

describe('credential kinds', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    app = Fastify({ logger: false });
    registerErrorHandler(app, { isUnavailable: () => false, isReferenceGone: () => false });
    registerAuthentication(app, [bearerCredential(tokens.authenticate), cookieKind]);
    app.get('/who', (request) => ({ subject: principalOf(request).subject }));
    app.post('/who', (request) => ({ subject: principalOf(request).subject }));
    await app.ready();
  });
  afterEach(() => app.close());

  it('lets either kind in, the bearer token or the second kind', async () => {
    const bearer = await app.inject({
      url: '/who',
      headers: { authorization: `Bearer ${tokens.sign(member('client'))}` },
    });
    expect(bearer.json()).toEqual({ subject: 'client' });
    const cookie = await app.inject({ url: '/who', headers: { cookie: 'pass=ada' } });
    expect(cookie.json()).toEqual({ subject: 'ada' });
  });

  it('answers a request that presents nothing with 401 and the bearer challenge', async () => {
    const anonymous = await app.inject({ url: '/who' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(anonymous.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers with the refusal of the kind the request presented', async () => {
    const forged = await app.inject({ url: '/who', headers: { cookie: 'pass=!' } });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'unauthenticated', detail: 'no such pass' });
    const unchecked = await app.inject({
      method: 'POST',
      url: '/who',
      headers: { cookie: 'pass=ada' },
    });
    expect(unchecked.statusCode).toBe(403);
    expect(unchecked.json()).toMatchObject({ code: 'forbidden', detail: 'send x-check' });
    const checked = await app.inject({
      method: 'POST',
      url: '/who',
      headers: { cookie: 'pass=ada', 'x-check': 'yes' },
    });
    expect(checked.json()).toEqual({ subject: 'ada' });
  });

  it('tries the kinds in order: a bad bearer token is refused even beside a good cookie', async () => {
    const both = await app.inject({
      url: '/who',
      headers: { authorization: 'Bearer nope', cookie: 'pass=ada' },
    });
    expect(both.statusCode).toBe(401);
    expect(both.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request"/);
  });
});
