// A browser for tests over real HTTP: fetch with a cookie jar kept by hand (one cookie,
// `rota_session`, is all Rota sets) and the CSRF token it was given at sign-in.
import type { Caller } from './api-harness.ts';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
  readonly text: string;
}

export class Browser {
  cookie: string | undefined;
  csrf: string | undefined;
  private readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie === undefined ? {} : { cookie: this.cookie }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie !== null) {
      const pair = setCookie.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
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
