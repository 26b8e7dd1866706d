// The Authorize popup's endpoints (SPEC section 7, seed 1 "Authorize"):
//   GET  /oauth/start      a new attempt for the signed-in user → 302 to the consent page
//   GET  /oauth/authorize  the consent page (RFC 6749 4.1.1; PKCE S256)
//   POST /oauth/authorize  the decision → 302 to the redirect URI with `code` or `error`
//   POST /oauth/sign-in    the signed-out visitor's form → back to where they were
//   GET  /oauth/callback   Rota's own redirect URI: exchanges the code, stores the grant
// Pages are server-rendered, never framed, never cached. The decision is CSRF-protected by the
// session's token in a hidden field; sign-in only accepts a same-origin relative return path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTHORIZE_PARAM_NAMES, type AuthorizeParams } from '../../core/authorize-request.ts';
import type { AuthorizePages } from '../authorize-port.ts';
import { FORM, formField, parseForm } from '../form-body.ts';
import { tokensEqual } from '../session-credential.ts';
import { authorizedPage, consentPage, problemPage, signInPage, type Page } from '../oauth-pages.ts';

const FORM_BODY_LIMIT = 16 * 1024;
const RETRY_AFTER_SECONDS = 5;

export function registerAuthorizePages(app: FastifyInstance, pages: AuthorizePages): void {
  void app.register((scope, _options, done) => {
    scope.addContentTypeParser(
      FORM,
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, finish) => finish(null, parseForm(body as string)),
    );
    const session = (request: FastifyRequest) => pages.session(request.headers.cookie);
    // Errors are pages too: a client's fault with its own status, the database away as 503.
    scope.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
      if (pages.isUnavailable?.(error) === true) {
        request.log.warn({ err: error }, 'the database is unreachable');
        reply.header('retry-after', String(RETRY_AFTER_SECONDS));
        return send(
          reply,
          503,
          problemPage('Try again shortly', 'Rota cannot reach its database right now.'),
        );
      }
      const status = error.statusCode ?? 500;
      if (status >= 500) throw error;
      return send(reply, status, problemPage('Request refused', error.message));
    });

    scope.get('/oauth/start', async (request, reply) => {
      const user = await session(request);
      if (user === undefined) return send(reply, 200, signInPage({ returnTo: '/oauth/start' }));
      const started = await pages.start(user);
      if (!started.ok)
        return send(
          reply,
          403,
          problemPage(
            'Scheduling is not enabled',
            'Scheduling is not enabled for your organisation; ask an admin (scheduling_not_enabled).',
          ),
        );
      return noStore(reply).redirect(started.location, 302);
    });

    scope.get('/oauth/authorize', async (request, reply) => {
      const user = await session(request);
      if (user === undefined)
        return send(reply, 200, signInPage({ returnTo: safeReturnPath(request.url) }));
      const params = authorizeParams(request.query);
      const checked = await pages.check(user, params);
      if (checked.kind === 'redirect') return noStore(reply).redirect(checked.location, 302);
      if (checked.kind === 'page')
        return send(
          reply,
          400,
          problemPage('This request cannot be authorised', checked.description),
        );
      return send(
        reply,
        200,
        consentPage({
          appName: checked.appName,
          userName: user.name,
          userEmail: user.email,
          scopes: checked.scopes,
          grantExpiresAt: checked.grantExpiresAt,
          fields: { ...params, csrf_token: user.csrfToken },
          redirectOrigin: new URL(checked.redirectUri).origin,
        }),
      );
    });

    scope.post('/oauth/authorize', async (request, reply) => {
      const user = await session(request);
      if (user === undefined)
        return send(reply, 401, problemPage('Signed out', 'Sign in and start again.'));
      if (!tokensEqual(formField(request.body, 'csrf_token'), user.csrfToken))
        return send(
          reply,
          403,
          problemPage('Request refused', 'The form is stale or was not sent by Rota; start again.'),
        );
      const decision = formField(request.body, 'decision');
      if (decision !== 'approve' && decision !== 'deny')
        return send(reply, 400, problemPage('Request refused', 'Choose Approve or Deny.'));
      const answer = await pages.decide(
        user,
        authorizeParams(request.body),
        decision === 'approve',
      );
      if (answer.kind === 'redirect') return noStore(reply).redirect(answer.location, 302);
      return send(reply, 400, problemPage('This request cannot be authorised', answer.description));
    });

    scope.post('/oauth/sign-in', async (request, reply) => {
      const returnTo = safeReturnPath(formField(request.body, 'return_to'));
      const email = formField(request.body, 'email') ?? '';
      const password = formField(request.body, 'password') ?? '';
      if (!sameOrigin(request, pages.publicUrl))
        return send(reply, 403, problemPage('Request refused', 'Sign in from Rota’s own page.'));
      const outcome = await pages.signIn({
        email,
        password,
        ip: request.ip,
        previousCookieHeader: request.headers.cookie,
      });
      if (outcome.ok)
        return noStore(reply).header('set-cookie', outcome.setCookie).redirect(returnTo, 303);
      if (outcome.code === 'too_many_sign_ins') {
        reply.header('retry-after', String(outcome.retryAfterSeconds ?? 60));
        return send(
          reply,
          429,
          signInPage({ returnTo, email, error: 'Too many failed sign-ins; try again later.' }),
        );
      }
      return send(
        reply,
        401,
        signInPage({ returnTo, email, error: 'The email or password is not right.' }),
      );
    });

    scope.get('/oauth/callback', async (request, reply) => {
      const user = await session(request);
      if (user === undefined)
        return send(
          reply,
          401,
          problemPage('Signed out', 'Sign in in this browser and authorise again.'),
        );
      const query = {
        state: formField(request.query, 'state'),
        code: formField(request.query, 'code'),
        error: formField(request.query, 'error'),
      };
      const result = await pages.callback(user, dropUndefined(query));
      if (!result.ok)
        return send(reply, 400, problemPage('Authorization failed', result.description));
      return send(reply, 200, authorizedPage(result.expiresAt, new URL(pages.publicUrl).origin));
    });
    done();
  });
}

function send(reply: FastifyReply, status: number, page: Page) {
  return noStore(reply)
    .code(status)
    .header('content-security-policy', page.csp)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin')
    .type('text/html; charset=utf-8')
    .send(page.html);
}

const noStore = (reply: FastifyReply) =>
  reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

function authorizeParams(source: unknown): AuthorizeParams {
  return dropUndefined(
    Object.fromEntries(AUTHORIZE_PARAM_NAMES.map((name) => [name, formField(source, name)])),
  );
}

function dropUndefined<T extends Record<string, string | undefined>>(record: T) {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: string;
  };
}

/**
 * A return path that stays on this origin: one leading slash, then no second slash or backslash
 * (`//evil`, `/\evil` are other hosts to a browser), no scheme, no control characters; else `/`.
 */
export function safeReturnPath(path: string | undefined): string {
  if (path === undefined || !/^\/(?![/\\])/.test(path) || hasControlOrBackslash(path)) return '/';
  const base = 'http://rota.invalid';
  const url = new URL(path, base);
  return url.origin === base ? `${url.pathname}${url.search}` : '/';
}

const hasControlOrBackslash = (text: string): boolean =>
  [...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f || c === '\\');

/**
 * A form post from another site is refused when the browser says where it came from (the pages'
 * `Referrer-Policy: same-origin` keeps a same-origin post's Origin real, not "null"): Rota's
 * public origin, or the one the request reached (behind a proxy, the public one is what it says).
 */
function sameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  return origin === new URL(publicUrl).origin || origin === `${request.protocol}://${request.host}`;
}
