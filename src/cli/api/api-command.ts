// Runs one API command: loads the stored credentials, hands the command a client, and reports
// what went wrong the way every command does (stderr, or {"errors": [...]} with --json), exit 1.
import { ExitCode, type CliIo } from '../io.ts';
import { apiClient, ApiProblem, type ApiClient } from './api-client.ts';
import { credentialsPath, readCredentials } from './credentials.ts';

export async function runApiCommand(
  io: CliIo,
  json: boolean,
  command: (api: ApiClient) => Promise<void>,
): Promise<number> {
  const credentials = readCredentials(io.env);
  if (credentials === undefined) {
    reportProblem(
      new ApiProblem(
        0,
        'not_logged_in',
        `No credentials at ${credentialsPath(io.env)}: run rota login --url <url> --client-id <id> --client-secret-stdin first.`,
      ),
      json,
      io,
    );
    return ExitCode.failure;
  }
  try {
    await command(apiClient(credentials, io.now));
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    reportProblem(error, json, io);
    return ExitCode.failure;
  }
}

/**
 * An API error as every command reports errors: {"errors": [{field, code, message}]} on stdout
 * with --json, else lines on stderr. Codes are the API's (docs/errors.md), passed on as they are.
 */
export function reportProblem(problem: ApiProblem, json: boolean, io: CliIo): void {
  const errors =
    problem.errors.length > 0
      ? problem.errors
      : [{ field: '', code: problem.code, message: problem.message }];
  if (json) {
    io.stdout(`${JSON.stringify({ errors })}\n`);
    return;
  }
  for (const e of errors)
    io.stderr(`error: ${e.field === '' ? '' : `${e.field}: `}${e.message} (${e.code})\n`);
}

/** Every page of a list endpoint, up to `maxPages`, concatenated. */
export async function allPages<T>(api: ApiClient, path: string, maxPages = 20): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url: string =
      cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`;
    const answer: { data: T[]; next_cursor: string | null } = await api.request('GET', url);
    rows.push(...answer.data);
    cursor = answer.next_cursor;
    if (cursor === null) break;
  }
  return rows;
}
