// A browser's share of an HTTP conversation, for tests: a cookie jar for one origin (what
// Set-Cookie says, sent back on every request), redirects left to the test to follow, the
// session's CSRF header on unsafe methods once `csrf` is set, and the submission of a
// server-rendered form. browser.ts builds the API's test browser on it.
import { once } from 'node:events';
import { createServer } from 'node:net';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export class CookieJar {
  readonly #origin: string;
  readonly #cookies = new Map<string, string>();
  /** Sent as X-CSRF-Token on unsafe methods once set (the session's `csrf_token`). */
  csrf: string | undefined;

  constructor(origin: string) {
    this.#origin = origin;
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  /** Sets (`name=value`) or forgets (`name=` or undefined for `name`) a cookie by hand. */
  setCookie(name: string, pair: string | undefined): void {
    if (pair === undefined) this.#cookies.delete(name);
    else this.#store(pair);
  }

  async fetch(
    pathOrUrl: string,
    init: {
      readonly method?: string;
      readonly json?: unknown;
      readonly form?: Readonly<Record<string, string>>;
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ): Promise<Response> {
    const url = new URL(pathOrUrl, this.#origin);
    if (url.origin !== this.#origin)
      throw new Error(`the jar is for ${this.#origin}, not ${url.toString()}`);
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { ...init.headers };
    if (this.#cookies.size > 0)
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (!SAFE.has(method) && this.csrf !== undefined) headers['x-csrf-token'] = this.csrf;
    let body: string | undefined;
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.#store(line);
    return response;
  }

  #store(line: string): void {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const expired = attributes.some(
      (a) =>
        /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now()),
    );
    if (expired || value === '') this.#cookies.delete(name);
    else this.#cookies.set(name, value);
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

/** The page's first POST form: its action and hidden fields. */
export function readForm(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html);
  if (form === null) throw new Error('the page has no POST form');
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[unescape(input[1]!)] = unescape(input[2]!);
  return { action: unescape(form[1]!), fields };
}

/** Submits the page's form as a browser would, with `extra` (the button pressed, typed fields). */
export function submitForm(
  jar: CookieJar,
  html: string,
  extra: Readonly<Record<string, string>>,
): Promise<Response> {
  const { action, fields } = readForm(html);
  return jar.fetch(action, { method: 'POST', form: { ...fields, ...extra } });
}

/** A TCP port nothing listens on right now, on loopback. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
