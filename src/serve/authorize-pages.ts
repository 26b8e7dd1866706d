// The Authorize popup's pages over the session service and the flow: what http/routes/authorize.ts
// is handed (it may not import src/auth).
import type { AuthorizeFlow } from '../auth/authorize-flow.ts';
import type { SessionService } from '../auth/sessions.ts';
import type { AuthorizePages } from '../http/authorize-port.ts';
import { isDatabaseUnavailable } from '../storage/database-unavailable.ts';

export function authorizePages(
  flow: AuthorizeFlow,
  sessions: SessionService,
  publicUrl: string,
): AuthorizePages {
  return {
    publicUrl,
    isUnavailable: isDatabaseUnavailable,
    session: (cookieHeader) => sessions.fromCookieHeader(cookieHeader),
    async signIn({ email, password, ip, previousCookieHeader }) {
      const outcome = await sessions.signIn({
        email,
        password,
        ip,
        ...(previousCookieHeader === undefined ? {} : { previousCookieHeader }),
      });
      return outcome.ok ? { ok: true, setCookie: outcome.setCookie } : outcome;
    },
    start: (user) => flow.start(user),
    check: (user, params) => flow.check(user, params),
    decide: (user, params, approved) => flow.decide(user, params, approved),
    callback: (user, query) => flow.callback(user, query),
  };
}
