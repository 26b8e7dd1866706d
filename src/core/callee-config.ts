// What each kind of agent or tool needs in its `config` (SPEC section 5), checked when it is
// registered or changed so that a typo fails at the API rather than at 3 a.m. in a run. Where the
// URL points is the outbound guard's business at call time (private hosts may be allowed).
import { isObject } from './field-reader.ts';
import { issue, pointer, type ValidationIssue } from './validation-issue.ts';

export type CalleeRole = 'agent' | 'tool';

/** The built-in agents and tools this build has (src/worker/executors/registry.ts). */
export const BUILTINS: Readonly<Record<CalleeRole, readonly string[]>> = {
  agent: ['http_journey'],
  tool: ['http_check', 'transform'],
};

export function checkCalleeConfig(
  role: CalleeRole,
  kind: string,
  config: Readonly<Record<string, unknown>>,
): ValidationIssue[] {
  switch (kind) {
    case 'builtin': {
      const name = config.builtin;
      if (typeof name === 'string' && BUILTINS[role].includes(name)) return [];
      return [
        issue(
          '/config/builtin',
          name === undefined ? 'required' : 'invalid_value',
          `A built-in ${role} is one of ${BUILTINS[role].map((b) => `"${b}"`).join(', ')}.`,
        ),
      ];
    }
    case 'http':
    case 'mcp':
      return [...checkUrl(config.url, '/config/url', true), ...checkHeaders(config.headers)];
    case 'openai':
      return checkUrl(config.base_url, '/config/base_url', false);
    default:
      return [];
  }
}

function checkUrl(value: unknown, field: string, required: boolean): ValidationIssue[] {
  if (value === undefined || value === null)
    return required ? [issue(field, 'required', `${field.slice(8)} is required.`)] : [];
  if (typeof value !== 'string') return [issue(field, 'invalid_type', 'A URL is a string.')];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [issue(field, 'invalid_url', 'Not an absolute URL.')];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return [issue(field, 'invalid_url', `Only http and https URLs, not ${url.protocol}.`)];
  if (url.username !== '' || url.password !== '')
    return [issue(field, 'invalid_url', 'Put credentials in headers, not in the URL.')];
  return [];
}

function checkHeaders(value: unknown): ValidationIssue[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value))
    return [issue('/config/headers', 'invalid_type', 'headers is an object of names to strings.')];
  return Object.entries(value).flatMap(([name, v]) =>
    typeof v === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) && !/[\r\n]/.test(v)
      ? []
      : [issue(pointer('/config/headers', name), 'invalid_value', 'Not a valid header.')],
  );
}

/** What the API shows instead of a credential: header values are write-only. */
export const REDACTED = '[redacted]';

/**
 * A callee's configuration as the API shows it: every header value (an API key, a bearer token)
 * replaced by REDACTED, so that reading an agent or tool never reveals the credential it carries.
 */
export function redactCalleeConfig(
  config: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return mapHeaders(config, () => REDACTED);
}

/**
 * Sealing and opening secrets at rest (SPEC section 7: agent credentials are stored encrypted
 * under ROTA_SECRET_KEY). `context` binds a sealed value to where it belongs, so that a value
 * copied into another row or header does not open there. src/auth's SecretBox is one.
 */
export interface SecretSeal {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
  /** Whether a stored value has the sealed form (an older version stored values in clear). */
  isSealed(value: string): boolean;
}

/** Where a header value of an agent or tool is sealed to: its table, its id, the header's name. */
export const headerSealContext = (table: 'agents' | 'tools', id: string, name: string): string =>
  `${table}/${id}/headers/${name.toLowerCase()}`;

/** A configuration's headers by name; null when it has no headers object. */
export const headersOf = (
  config: Readonly<Record<string, unknown>>,
): Record<string, unknown> | null => (isObject(config.headers) ? config.headers : null);

/** The configuration with each header value replaced by `f(value, name)`. */
function mapHeaders(
  config: Readonly<Record<string, unknown>>,
  f: (value: unknown, name: string) => string,
): Record<string, unknown> {
  const headers = headersOf(config);
  if (headers === null) return { ...config };
  return {
    ...config,
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name, f(value, name)]),
    ),
  };
}

/**
 * The configuration as it is stored: every header value sealed. A value sent as REDACTED (a
 * client that read the agent and sent its configuration back) keeps the stored value of the same
 * header, since REDACTED is what the API shows in place of it; header names match ignoring case.
 */
export function sealHeaders(
  config: Readonly<Record<string, unknown>>,
  stored: Readonly<Record<string, unknown>> | undefined,
  seal: (value: string, name: string) => string,
): Record<string, unknown> {
  const kept = new Map(
    Object.entries((stored === undefined ? null : headersOf(stored)) ?? {}).map(([name, value]) => [
      name.toLowerCase(),
      value,
    ]),
  );
  return mapHeaders(config, (value, name) => {
    const previous = kept.get(name.toLowerCase());
    return value === REDACTED && typeof previous === 'string'
      ? previous
      : seal(String(value), name);
  });
}

/** The configuration a call is made with: every stored header value opened. */
export function openHeaders(
  config: Readonly<Record<string, unknown>>,
  open: (sealed: string, name: string) => string,
): Record<string, unknown> {
  return mapHeaders(config, (value, name) => open(String(value), name));
}

interface Callee {
  readonly kind: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Where a callee's calls go: its kind and the origin of its URL (or base URL), if it has one. */
function destination({ kind, config }: Callee): string {
  const url = typeof config.url === 'string' ? config.url : config.base_url;
  let origin = '';
  if (typeof url === 'string') {
    try {
      origin = new URL(url).origin;
    } catch {
      origin = url;
    }
  }
  return `${kind} ${origin}`;
}

/** Whether `next` still calls where `stored` did: stored credentials may go along only then. */
export const sameDestination = (next: Callee, stored: Callee): boolean =>
  destination(next) === destination(stored);

/**
 * A header sent as REDACTED keeps its stored credential only where there is one and while the
 * calls still go where they went: a credential never follows a changed URL or kind unless it is
 * sent again (the API shows REDACTED, so a client can send back what it read).
 */
export function redactedHeaderProblems(next: Callee, stored: Callee): ValidationIssue[] {
  const headers = headersOf(next.config);
  if (headers === null) return [];
  const kept = new Set(Object.keys(headersOf(stored.config) ?? {}).map((n) => n.toLowerCase()));
  const moved = !sameDestination(next, stored);
  return Object.entries(headers).flatMap(([name, value]) =>
    value !== REDACTED
      ? []
      : moved
        ? [
            issue(
              pointer('/config/headers', name),
              'invalid_value',
              'The URL or kind changed: send this header’s value again, not the redacted text.',
            ),
          ]
        : kept.has(name.toLowerCase())
          ? []
          : [
              issue(
                pointer('/config/headers', name),
                'invalid_value',
                'There is no stored value to keep for this header: send its value.',
              ),
            ],
  );
}
