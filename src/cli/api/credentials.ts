// Where `rota login` keeps a machine client's credentials for the API commands: one JSON file,
// readable by its owner only, at $XDG_CONFIG_HOME/rota/credentials.json (default ~/.config).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Credentials {
  /** Where Rota serves, e.g. http://localhost:8080. */
  readonly url: string;
  readonly client_id: string;
  readonly client_secret: string;
}

type Env = Readonly<Record<string, string | undefined>>;

export function credentialsPath(env: Env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME ?? '.', '.config');
  return join(base, 'rota', 'credentials.json');
}

/** The stored credentials, or undefined when `rota login` has not been run (or left junk). */
export function readCredentials(env: Env): Credentials | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(credentialsPath(env), 'utf8'));
  } catch {
    return undefined;
  }
  const c = parsed as Partial<Record<keyof Credentials, unknown>>;
  return typeof c.url === 'string' &&
    typeof c.client_id === 'string' &&
    typeof c.client_secret === 'string'
    ? { url: c.url, client_id: c.client_id, client_secret: c.client_secret }
    : undefined;
}

export function writeCredentials(env: Env, credentials: Credentials): string {
  const path = credentialsPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // writeFileSync keeps the mode of a file that existed: make sure it is the owner's only.
  chmodSync(path, 0o600);
  return path;
}
