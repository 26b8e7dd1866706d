// A browser for tests over real HTTP, as the web UI uses the API: the cookie jar (cookie-jar.ts)
// holding the `rota_session` cookie, and the CSRF token it was given at sign-in, sent on writes.
import type { Caller } from './api-harness.ts';
import { CookieJar } from './cookie-jar.ts';

const SESSION = 'rota_session';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export class Browser {
  /** The CSRF token sign-in gave; sent by `write`, never by `request`. */
  csrf: string | undefined;
  readonly #jar: CookieJar;

  constructor(base: string) {
    this.#jar = new CookieJar(base);
  }

  /** The `rota_session=…` pair the browser holds, settable to plant or replay one. */
  get cookie(): string | undefined {
    const value = this.#jar.cookie(SESSION);
    return value === undefined ? undefined : `${SESSION}=${value}`;
  }

  set cookie(pair: string | undefined) {
    this.#jar.setCookie(SESSION, pair);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await this.#jar.fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { json: body }),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text !== '') parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** A request of this session's with its CSRF token, as the web UI sends writes. */
  write(method: string, path: string, body?: unknown): Promise<Answer> {
    return this.request(method, path, body, { 'x-csrf-token': this.csrf ?? '' });
  }

  async signIn(email: string, password: string, tenant?: string): Promise<Answer> {
    const answer = await this.request('POST', '/api/v1/session', {
      email,
      password,
      ...(tenant === undefined ? {} : { tenant }),
    });
    if (answer.status === 201) this.csrf = (answer.body as { csrf_token: string }).csrf_token;
    return answer;
  }
}

/** A user made by an admin caller through the API; its id and password. */
export async function createUser(
  admin: Caller,
  request: { email: string; role?: 'admin' | 'member'; name?: string; password?: string },
): Promise<{ id: string; email: string; password: string }> {
  const password = request.password ?? 'a long enough password';
  const response = await admin.request('POST', '/api/v1/users', { ...request, password });
  if (response.statusCode !== 201) throw new Error(`create user: ${response.body}`);
  const user = response.json<{ id: string; email: string }>();
  return { id: user.id, email: user.email, password };
}
