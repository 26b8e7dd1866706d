// `rota login`: checks a machine client's credentials against a running Rota (by fetching a
// token) and keeps them for the other API commands (SPEC section 10).
import type { Command } from 'commander';
import { issue } from '../../core/validation-issue.ts';
import { ExitCode, reportErrors, type CliIo } from '../io.ts';
import { defaultServerUrl } from '../server-url.ts';
import { apiClient, ApiProblem } from './api-client.ts';
import { reportProblem } from './api-command.ts';
import { writeCredentials } from './credentials.ts';

interface LoginOptions {
  readonly url?: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly clientSecretStdin?: boolean;
  readonly json?: boolean;
}

export function registerLogin(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('login')
    .description('Keep a machine client’s credentials for the API commands (checked first).')
    .option(
      '--url <url>',
      'where Rota serves (default: ROTA_PUBLIC_URL, else http://127.0.0.1:$ROTA_PORT)',
    )
    .requiredOption('--client-id <id>', 'the client_id `rota clients create` printed')
    .option('--client-secret <secret>', 'the secret (visible in your shell history)')
    .option('--client-secret-stdin', 'read the secret from standard input')
    .option('--json', 'print {"url", "client_id", "credentials"}')
    .action(async (options: LoginOptions) => setExit(await runLogin(io, options)));
}

async function runLogin(io: CliIo, options: LoginOptions): Promise<number> {
  const json = options.json === true;
  const secret =
    options.clientSecretStdin === true
      ? (await (io.readStdin ?? (() => Promise.resolve('')))()).trim()
      : options.clientSecret;
  if (secret === undefined || secret === '') {
    reportErrors(
      [
        issue(
          '--client-secret',
          'invalid_argument',
          'Give --client-secret or --client-secret-stdin.',
        ),
      ],
      json,
      io,
    );
    return ExitCode.usage;
  }
  const given = options.url ?? defaultServerUrl(io.env);
  let url: URL;
  try {
    url = new URL(given);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    reportErrors([issue('--url', 'invalid_argument', `Not an http(s) URL: ${given}`)], json, io);
    return ExitCode.usage;
  }
  const credentials = {
    url: url.toString().replace(/\/+$/, ''),
    client_id: options.clientId,
    client_secret: secret,
  };
  try {
    // Any authenticated read proves the credentials; the list of projects is the cheapest.
    await apiClient(credentials, io.now).request('GET', '/api/v1/projects?limit=1');
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    reportProblem(error, json, io);
    return ExitCode.failure;
  }
  const path = writeCredentials(io.env, credentials);
  io.stdout(
    json
      ? `${JSON.stringify({ url: credentials.url, client_id: credentials.client_id, credentials: path })}\n`
      : `Logged in to ${credentials.url} as ${credentials.client_id}; credentials kept in ${path}\n`,
  );
  return ExitCode.ok;
}
