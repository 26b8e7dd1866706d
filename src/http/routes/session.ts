// /api/v1/session: signing in and out (SPEC section 7). These routes take no credential (route
// config `public`): they read the session cookie themselves. Signing in always makes a new
// session id (no fixation) and ends the one the browser sent; wrong email and wrong password get
// the same answer. Signing out of a live session needs its CSRF token, like any unsafe request.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { Session, SessionCreate } from '../../contract/users.ts';
import type { ApiDeps } from '../api-deps.ts';
import type { SessionPortUser } from '../people-ports.ts';
import { ApiError } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { tokensEqual } from '../session-credential.ts';

const tags = ['session'];

const sessionView = (user: SessionPortUser) => ({
  user: { id: user.userId, email: user.email, role: user.role, tenant_id: user.tenantId },
  csrf_token: user.csrfToken,
});

const header = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join('; ') : value;

export const sessionRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const { sessions } = deps;

  app.post(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in with email and password: a session cookie and its CSRF token',
        body: SessionCreate,
        response: { 201: Session, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { email, password, tenant } = request.body;
      const cookie = header(request.headers.cookie);
      const outcome = await sessions.signIn({
        email,
        password,
        ip: request.ip,
        ...(tenant === undefined ? {} : { tenant }),
        ...(cookie === undefined ? {} : { previousCookieHeader: cookie }),
      });
      if (!outcome.ok) {
        if (outcome.code === 'too_many_sign_ins') {
          const wait = String(outcome.retryAfterSeconds ?? 900);
          throw new ApiError(
            429,
            'too_many_sign_ins',
            `Too many failed sign-ins; retry in ${wait} s.`,
            {
              headers: { 'retry-after': wait },
            },
          );
        }
        throw new ApiError(401, 'invalid_credentials', 'The email or the password is wrong.');
      }
      return reply
        .code(201)
        .header('set-cookie', outcome.setCookie)
        .header('cache-control', 'no-store')
        .send(sessionView(outcome.user));
    },
  );

  app.get(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'getSession',
        summary: 'The signed-in user and the session’s CSRF token',
        response: { 200: Session, ...problems(401) },
      },
    },
    async (request, reply) => {
      const user = await sessions.fromCookieHeader(header(request.headers.cookie));
      if (user === undefined)
        throw new ApiError(401, 'unauthenticated', 'Not signed in.', {
          headers: { 'www-authenticate': 'Bearer' },
        });
      return reply.header('cache-control', 'no-store').send(sessionView(user));
    },
  );

  app.delete(
    '/session',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'signOut',
        summary: 'Sign out: the session ends and its cookie is cleared',
        response: { 204: NoContent, ...problems(403) },
      },
    },
    async (request, reply) => {
      const cookie = header(request.headers.cookie);
      const user = await sessions.fromCookieHeader(cookie);
      if (
        user !== undefined &&
        !tokensEqual(header(request.headers['x-csrf-token']), user.csrfToken)
      )
        throw new ApiError(403, 'csrf_failed', 'Send the session’s csrf_token in X-CSRF-Token.');
      await sessions.signOut(cookie, request.ip);
      void reply.header('set-cookie', sessions.clearCookie());
      return reply.code(204).send();
    },
  );
  done();
};
