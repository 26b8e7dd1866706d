// Rota's configuration (SPEC section 12): every ROTA_* variable, its default and its check,
// declared once. `loadConfig` reads the environment once at start and reports every bad
// variable by name; docs/configuration.md is generated from the same table (npm run docs:config).

export interface Config {
  readonly port: number;
  /** Address the HTTP server binds. */
  readonly host: string;
  readonly dataDir: string;
  /** undefined: the SQLite file in the data directory. */
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly secretKey: string | undefined;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly workerConcurrency: number;
  /** API requests per second, sustained, per client and per tenant (bursts of six times that). */
  readonly rateLimitPerClient: number;
  readonly rateLimitPerTenant: number;
  /** Hosts and CIDR ranges that agents and tools may reach on private networks. */
  readonly outboundAllow: readonly string[];
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly retentionDays: number;
  /** How long a stopping process lets in-flight runs finish before handing them back. */
  readonly shutdownGraceSeconds: number;
  /** The first admin, created on a first start with no user. */
  readonly adminEmail: string;
  readonly adminPassword: string | undefined;
  /** A session ends after this long unused, and in any case this long after sign-in. */
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  /** How long a user's grant lasts (re-authorising makes a new one). */
  readonly grantTtlDays: number;
  /** Whether to take the client address from `X-Forwarded-For` (behind a reverse proxy). */
  readonly trustProxy: boolean;
}

export interface ConfigError {
  readonly variable: string;
  readonly message: string;
}

type Parse<T> = (value: string) => T | { readonly error: string };

interface Setting<K extends keyof Config> {
  readonly variable: string;
  readonly key: K;
  readonly description: string;
  /** Shown in the docs; undefined means "unset". */
  readonly defaultText: string | undefined;
  readonly fallback: Config[K] | ((env: Readonly<Record<string, string | undefined>>) => Config[K]);
  readonly parse: Parse<Config[K]>;
}

const integer =
  (min: number, max: number): Parse<number> =>
  (value) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
      ? Number(value)
      : { error: `must be an integer from ${min} to ${max}, not "${value}"` };

const text: Parse<string> = (value) =>
  value.trim() === '' ? { error: 'must not be empty' } : value;

const url =
  (schemes: readonly string[]): Parse<string> =>
  (value) => {
    try {
      const parsed = new URL(value);
      if (schemes.includes(parsed.protocol.replace(/:$/, ''))) return value;
    } catch {
      // reported below
    }
    return { error: `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL` };
  };

const HOST_OR_CIDR = /^(?:[a-z0-9.-]+|\[?[0-9a-f:.]+\]?)(?:\/\d{1,3})?$/i;

const list: Parse<readonly string[]> = (value) => {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.find((entry) => !HOST_OR_CIDR.test(entry));
  return bad === undefined
    ? entries
    : { error: `"${bad}" is not a host name, address or CIDR range` };
};

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Every variable, in the order the docs list them. */
export const SETTINGS = [
  {
    variable: 'ROTA_PORT',
    key: 'port',
    description:
      'HTTP port of the API and UI; `0` takes any free port (the start-up log names it).',
    defaultText: '8080',
    fallback: 8080,
    parse: integer(0, 65535),
  },
  {
    variable: 'ROTA_HOST',
    key: 'host',
    description:
      'Address the HTTP server binds: `0.0.0.0` for every interface, `127.0.0.1` for this machine only.',
    defaultText: '0.0.0.0',
    fallback: '0.0.0.0',
    parse: (value) =>
      /^[a-z0-9.:-]+$/i.test(value) ? value : { error: 'must be a host name or an IP address' },
  },
  {
    variable: 'ROTA_DATA_DIR',
    key: 'dataDir',
    description: 'Directory for the embedded SQLite database and generated keys.',
    defaultText: './data',
    fallback: './data',
    parse: text,
  },
  {
    variable: 'ROTA_DATABASE_URL',
    key: 'databaseUrl',
    description:
      '`postgres://…` to use PostgreSQL (several replicas), or `sqlite:<path>`; unset means `rota.db` in the data directory.',
    defaultText: undefined,
    fallback: undefined,
    parse: url(['postgres', 'postgresql', 'sqlite']),
  },
  {
    variable: 'ROTA_PUBLIC_URL',
    key: 'publicUrl',
    description: 'The URL users reach Rota at: links in digests, token issuer.',
    defaultText: 'http://localhost:<ROTA_PORT>',
    fallback: (env) => `http://localhost:${env.ROTA_PORT ?? '8080'}`,
    parse: url(['http', 'https']),
  },
  {
    variable: 'ROTA_SECRET_KEY',
    key: 'secretKey',
    description:
      'Key that encrypts secrets and token signing keys at rest (AES-256-GCM): 32 random bytes as base64 or 64 hex digits (`openssl rand -base64 32`); any other text of at least 32 characters is taken as a passphrase and stretched with HKDF-SHA256. Required with PostgreSQL (every replica gets the same); on SQLite, when unset, one is generated into `<ROTA_DATA_DIR>/secret.key` (mode 0600) with a warning. Keep it with the database: without it the stored keys cannot be read.',
    defaultText: undefined,
    fallback: undefined,
    // The forms are told apart in auth/secret-key.ts; every one of them is 32 characters or more.
    parse: (value) =>
      value.trim().length >= 32 ? value.trim() : { error: 'must be at least 32 characters' },
  },
  {
    variable: 'ROTA_SMTP_URL',
    key: 'smtpUrl',
    description:
      '`smtp://` or `smtps://` (user and password allowed) to mail digests; unset keeps them in the built-in outbox.',
    defaultText: undefined,
    fallback: undefined,
    parse: url(['smtp', 'smtps']),
  },
  {
    variable: 'ROTA_MAIL_FROM',
    key: 'mailFrom',
    description: 'Sender address of digests.',
    defaultText: 'rota@localhost',
    fallback: 'rota@localhost',
    parse: text,
  },
  {
    variable: 'ROTA_WORKER_CONCURRENCY',
    key: 'workerConcurrency',
    description: 'Runs one worker process executes at a time.',
    defaultText: '4',
    fallback: 4,
    parse: integer(1, 256),
  },
  {
    variable: 'ROTA_OUTBOUND_ALLOW',
    key: 'outboundAllow',
    description:
      'Comma-separated hosts and CIDR ranges agents and tools may reach although they are loopback, private or link-local (e.g. `10.1.0.0/16,agents.internal`).',
    defaultText: '(none)',
    fallback: [],
    parse: list,
  },
  {
    variable: 'ROTA_RATE_LIMIT_PER_CLIENT',
    key: 'rateLimitPerClient',
    description:
      'API requests per second one client may make, sustained, with bursts of six times as many; beyond it, 429 with Retry-After. Each process counts its own.',
    defaultText: '20',
    fallback: 20,
    parse: integer(1, 1_000_000),
  },
  {
    variable: 'ROTA_RATE_LIMIT_PER_TENANT',
    key: 'rateLimitPerTenant',
    description:
      'API requests per second all of one tenant’s clients may make together, sustained, with bursts of six times as many.',
    defaultText: '100',
    fallback: 100,
    parse: integer(1, 1_000_000),
  },
  {
    variable: 'ROTA_LOG_LEVEL',
    key: 'logLevel',
    description: 'One of debug, info, warn, error.',
    defaultText: 'info',
    fallback: 'info',
    parse: (value) =>
      (LOG_LEVELS as readonly string[]).includes(value)
        ? value
        : { error: `must be one of ${LOG_LEVELS.join(', ')}` },
  },
  {
    variable: 'ROTA_RETENTION_DAYS',
    key: 'retentionDays',
    description: 'Days of runs and ticks kept before background pruning.',
    defaultText: '90',
    fallback: 90,
    parse: integer(1, 36500),
  },
  {
    variable: 'ROTA_SHUTDOWN_GRACE_SECONDS',
    key: 'shutdownGraceSeconds',
    description:
      'On SIGTERM, how long in-flight runs may finish before they are handed back to the queue for another worker.',
    defaultText: '25',
    fallback: 25,
    parse: integer(0, 3600),
  },
  {
    variable: 'ROTA_ADMIN_EMAIL',
    key: 'adminEmail',
    description: 'Email of the admin created on the first start with no user.',
    defaultText: 'admin@localhost',
    fallback: 'admin@localhost',
    parse: (value) =>
      /^[^\s@]+@[^\s@]+$/.test(value.trim())
        ? value.trim().toLowerCase()
        : { error: 'must be an email address' },
  },
  {
    variable: 'ROTA_ADMIN_PASSWORD',
    key: 'adminPassword',
    description:
      'Password of that first admin. When unset on SQLite, one is generated, printed once in the start-up output and written to `<ROTA_DATA_DIR>/initial-admin-password` (mode 0600) until the admin first signs in; on PostgreSQL, start-up says to run `rota users create`.',
    defaultText: undefined,
    fallback: undefined,
    parse: (value) => (value.length >= 8 ? value : { error: 'must be at least 8 characters' }),
  },
  {
    variable: 'ROTA_SESSION_IDLE_MINUTES',
    key: 'sessionIdleMinutes',
    description: 'A signed-in session ends after this many minutes without a request.',
    defaultText: '720',
    fallback: 720,
    parse: integer(1, 525600),
  },
  {
    variable: 'ROTA_SESSION_MAX_HOURS',
    key: 'sessionMaxHours',
    description: 'A session ends this many hours after sign-in, however much it is used.',
    defaultText: '168',
    fallback: 168,
    parse: integer(1, 8760),
  },
  {
    variable: 'ROTA_GRANT_TTL_DAYS',
    key: 'grantTtlDays',
    description:
      'Days a user’s authorisation (the grant behind their scheduled runs) lasts; re-authorising makes a new one.',
    defaultText: '90',
    fallback: 90,
    parse: integer(1, 3650),
  },
  {
    variable: 'ROTA_TRUST_PROXY',
    key: 'trustProxy',
    description:
      '`true` behind a reverse proxy: the client address (for sign-in throttling and the audit log) is taken from `X-Forwarded-For`. Leave unset otherwise, or anyone could choose their address.',
    defaultText: 'false',
    fallback: false,
    parse: (value) =>
      value === 'true' || value === '1'
        ? true
        : value === 'false' || value === '0'
          ? false
          : { error: 'must be true or false' },
  },
] as const satisfies readonly Setting<keyof Config>[];

export type LoadedConfig =
  | { readonly ok: true; readonly config: Config }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Reads every ROTA_* variable; an empty value counts as unset. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): LoadedConfig {
  const errors: ConfigError[] = [];
  const config: Record<string, unknown> = {};
  for (const setting of SETTINGS as readonly Setting<keyof Config>[]) {
    const raw = env[setting.variable];
    if (raw === undefined || raw === '') {
      config[setting.key] =
        typeof setting.fallback === 'function' ? setting.fallback(env) : setting.fallback;
      continue;
    }
    const parsed = setting.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      errors.push({ variable: setting.variable, message: `${setting.variable} ${parsed.error}.` });
    } else {
      config[setting.key] = parsed;
    }
  }
  if (errors.length === 0 && isPostgres(config.databaseUrl) && config.secretKey === undefined) {
    errors.push({
      variable: 'ROTA_SECRET_KEY',
      message: 'ROTA_SECRET_KEY is required with PostgreSQL: every replica must share it.',
    });
  }
  const known = new Set<string>(SETTINGS.map((s) => s.variable));
  for (const name of Object.keys(env)) {
    if (
      name.startsWith('ROTA_') &&
      !known.has(name) &&
      !name.startsWith('ROTA_TEST_') &&
      name !== 'ROTA_REQUIRE_POSTGRES'
    ) {
      errors.push({
        variable: name,
        message: `${name} is not a Rota setting (see docs/configuration.md).`,
      });
    }
  }
  return errors.length > 0
    ? { ok: false, errors }
    : { ok: true, config: config as unknown as Config };
}

const isPostgres = (value: unknown): boolean =>
  typeof value === 'string' && /^postgres(ql)?:/.test(value);

/** docs/configuration.md, generated from SETTINGS. */
export function configurationMarkdown(): string {
  const rows = SETTINGS.map(
    (s) =>
      `| \`${s.variable}\` | ${s.defaultText === undefined ? '(unset)' : `\`${s.defaultText}\``} | ${s.description} |`,
  );
  return [
    '# Configuration',
    '',
    'Rota reads these environment variables once at start. An invalid value stops start-up with a',
    'message naming the variable; an unknown `ROTA_*` variable is an error too, so a typo never',
    'passes silently. Generated from `src/config.ts` by `npm run docs:config`; a test fails when',
    'this page and the code disagree.',
    '',
    '| variable | default | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
