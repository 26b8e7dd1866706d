// Logs (SPEC section 12): JSON lines for machines, a short readable line per entry when stdout is
// a terminal, and secrets redacted by key wherever they appear in a logged object.
import { Writable } from 'node:stream';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

const SECRET_KEYS = [
  'password',
  'secret',
  'token',
  'authorization',
  'cookie',
  'client_secret',
  'access_token',
  'refresh_token',
  'api_key',
  'secretKey',
  'smtpUrl',
  'databaseUrl',
];

export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `req.headers.${key}`,
]);

/** Query parameters whose values are secrets (the Authorize popup's, mostly): never logged. */
const SECRET_PARAMETERS = new Set([
  'code',
  'state',
  'code_verifier',
  'code_challenge',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'password',
]);

/** A request URL as logged: the values of secret query parameters replaced. */
export function loggableUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  let redacted = false;
  for (const name of new Set(params.keys()))
    if (SECRET_PARAMETERS.has(name)) {
      params.set(name, '[redacted]');
      redacted = true;
    }
  return redacted ? `${url.slice(0, query)}?${params.toString()}` : url;
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remotePort?: number };
}

export interface LoggerOptions {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** Where lines go; default stdout. */
  readonly destination?: DestinationStream;
  /** Human-readable lines instead of JSON; default: when stdout is a terminal. */
  readonly pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY);
  const destination = options.destination ?? process.stdout;
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Fastify's request lines, with the URL's secret parameters taken out.
      serializers: {
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: req.url === undefined ? undefined : loggableUrl(req.url),
          host: req.host,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    pretty ? prettyLines(destination) : destination,
  );
}

const COLOURS: Readonly<Record<string, string>> = {
  debug: '\x1b[90m',
  info: '\x1b[36m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[31m',
};

/** Turns each JSON line into "12:00:01 INFO  message key=value …". */
function prettyLines(out: DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        const { time, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
        delete rest.pid;
        const label = String(level);
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        out.write(
          `${String(time).slice(11, 19)} ${COLOURS[label] ?? ''}${label.toUpperCase().padEnd(5)}\x1b[0m ${typeof msg === 'string' ? msg : ''}${fields === '' ? '' : ` \x1b[90m${fields}\x1b[0m`}\n`,
        );
      }
      done();
    },
  });
}
