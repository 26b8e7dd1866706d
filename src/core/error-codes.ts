// The catalogue of every stable error code Rota reports. docs/errors.md lists the same codes,
// and test/docs/error-catalogue.test.ts fails when the two drift apart.

export const ErrorKind = {
  validation: 'validation',
  run: 'run',
  auth: 'auth',
  invariant: 'invariant',
  request: 'request',
  cli: 'cli',
} as const;
export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

interface CodeInfo {
  readonly kind: ErrorKind;
  readonly summary: string;
  /** Whether retrying the same operation unchanged can succeed (runs only). */
  readonly retryable: boolean;
  /** The HTTP status the API answers with (request errors only; validation is always 400). */
  readonly status?: number;
}

const validation = (summary: string): CodeInfo => ({
  kind: 'validation',
  summary,
  retryable: false,
});
const request = (status: number, summary: string): CodeInfo => ({
  kind: 'request',
  summary,
  retryable: status === 503 || status === 429,
  status,
});
const run = (summary: string, retryable = false): CodeInfo => ({ kind: 'run', summary, retryable });
const auth = (summary: string): CodeInfo => ({ kind: 'auth', summary, retryable: false });
const cli = (summary: string): CodeInfo => ({ kind: 'cli', summary, retryable: false });

export const ERROR_CODES = {
  // Input validation (cadences, budgets, schedules).
  invalid_type: validation('A field has the wrong JSON type.'),
  required: validation('A required field is missing.'),
  field_not_allowed: validation(
    'A field is not allowed here, e.g. `days_of_week` on a monthly cadence.',
  ),
  invalid_value: validation('A value is outside its allowed set or range.'),
  invalid_time_zone: validation('Not an IANA time zone name that this runtime knows.'),
  invalid_cron: validation('Not a valid cron expression in Rota’s dialect.'),
  invalid_time: validation('Not a 24-hour local time `HH:MM`.'),
  invalid_day: validation('Not a valid ISO weekday (1–7) or day of month (1–31 or -1).'),
  invalid_instant: validation('Not an ISO-8601 instant with `Z` or an offset.'),
  invalid_range: validation('Bounds in the wrong order, e.g. `start_at` after `end_at`.'),
  schedule_never_fires: validation('The cadence has no fire time within the next 10 years.'),
  invalid_json: validation('A body or argument is not valid JSON.'),
  invalid_argument: validation('A command-line argument is missing, unknown or out of range.'),
  invalid_characters: validation('A string holds a NUL character or a lone surrogate.'),
  too_deep: validation('A JSON body nests deeper than the API accepts.'),
  invalid_url: validation('Not an absolute http(s) URL without credentials.'),
  invalid_cursor: validation('A pagination cursor that Rota did not issue, or was altered.'),
  invalid_email: validation('Not a plain email address Rota can mail to.'),
  not_in_project: validation('A referenced id is not in this project (or not visible to you).'),
  duplicate_item: validation('The schedule already has an item for this target.'),
  one_target_required: validation('Exactly one of `journey_id` and `test_plan_id` is required.'),
  // Request errors (SPEC section 6): the API answers each with its own status.
  not_found: request(404, 'No such resource, or it belongs to another tenant.'),
  header_fields_too_large: request(431, 'The request’s headers are too large.'),
  invalid_request_line: request(400, 'The request line or a header cannot be parsed.'),
  method_not_allowed: request(
    405,
    'The path exists, but not for this method; `Allow` lists its methods.',
  ),
  unauthenticated: request(401, 'No credentials, or credentials that do not verify.'),
  forbidden: request(403, 'The caller lacks the role this operation needs.'),
  insufficient_scope: request(403, 'The token lacks the scope this operation needs.'),
  payload_too_large: request(413, 'The request body is larger than the API accepts.'),
  unsupported_media_type: request(415, 'The request body is not `application/json`.'),
  idempotency_key_reused: request(409, 'An `Idempotency-Key` was reused with a different request.'),
  idempotency_key_in_progress: {
    ...request(409, 'A request with this `Idempotency-Key` is still running; retry shortly.'),
    retryable: true,
  },
  resource_in_use: request(409, 'The resource is still referenced and cannot be deleted.'),
  precondition_failed: request(
    412,
    'The resource changed since the version `If-Match` names; nothing was written.',
  ),
  name_taken: request(409, 'Another tenant already has this name.'),
  run_ended: request(409, 'The run has already ended, so it cannot be cancelled.'),
  rate_limited: request(429, 'Too many requests from this client or tenant; see `Retry-After`.'),
  dependency_unavailable: request(503, 'The database is unreachable; retry after `Retry-After`.'),
  digest_disabled: request(400, 'The schedule’s digests are not enabled.'),
  no_tick_yet: request(409, 'The schedule has not ticked yet: there is nothing to digest.'),
  // People (SPEC section 7): sign-in, sessions, users, grants.
  invalid_credentials: request(401, 'The email or the password is wrong.'),
  too_many_sign_ins: request(
    429,
    'Too many failed sign-ins from this address (or for this email from it); see `Retry-After`.',
  ),
  csrf_failed: request(
    403,
    'A session’s unsafe request lacks the `X-CSRF-Token` header equal to its token.',
  ),
  scheduling_not_enabled: request(
    403,
    'Scheduling is not enabled for your organisation; ask an admin to register it.',
  ),
  not_owner: request(
    403,
    'Only the schedule’s owner may change its items and parameters (admins may pause or delete it).',
  ),
  grant_required: request(
    403,
    'Running this acts for you: authorise Rota first (`GET /api/v1/authorization`).',
  ),
  email_taken: request(409, 'Another user of this tenant has this email.'),
  last_admin: request(409, 'A tenant keeps at least one admin.'),
  // Run failures (SPEC section 4).
  schema_mismatch: run('The target no longer validates against its agents and tools.'),
  invalid_parameters: run('Runtime parameters do not match the target’s inputs.'),
  authorization_failed: run(
    'The user the run acts for (the schedule’s owner, or who started it) has no live grant.',
  ),
  tick_deadline: run('The run was still queued when its tick’s deadline passed.'),
  agent_error: run('An agent call failed.', true),
  agent_timeout: run('An agent call exceeded its step timeout.', true),
  tool_error: run('A tool call failed.', true),
  invalid_output: run('An agent or tool answered with output that breaks its output schema.'),
  ssrf_blocked: run('An outbound call targeted an address the outbound guard blocks.'),
  target_unreachable: run('No check of the journey reached its target: nothing answered.'),
  lease_lost: run('The worker lost the run’s lease before finishing it.', true),
  cancelled: run('The run was cancelled.'),
  internal: run('An unexpected internal error.'),
  // Authentication (RFC 6749 section 5.2, RFC 6750 section 3.1) and the keys behind it.
  invalid_request: auth(
    'An OAuth request is malformed: a missing, repeated or unreadable parameter.',
  ),
  invalid_client: auth('Client authentication failed: unknown client, wrong secret, or none sent.'),
  unsupported_grant_type: auth('The token endpoint does not support this `grant_type`.'),
  invalid_scope: auth('A requested scope is unknown or beyond the client’s role.'),
  invalid_grant: auth(
    'An authorisation code or refresh token is invalid, expired, used, or bound to another client, redirect URI or verifier.',
  ),
  unauthorized_client: auth('The client may not use this `grant_type`.'),
  access_denied: auth('The user denied the authorisation request.'),
  temporarily_unavailable: auth(
    'The token endpoint cannot reach the database; retry after `Retry-After`.',
  ),
  invalid_token: auth('The bearer token is malformed, expired, revoked or not Rota’s.'),
  secret_key_missing: auth('No usable `ROTA_SECRET_KEY`: required with PostgreSQL.'),
  secret_key_mismatch: auth('Stored keys were sealed under another `ROTA_SECRET_KEY`.'),
  // The command line's API commands (`rota schedules …`), before or instead of an API answer.
  not_logged_in: cli('No stored credentials: run `rota login` first.'),
  server_unreachable: cli('The server the CLI logged in to does not answer.'),
  token_refused: cli('The token endpoint refused the stored credentials.'),
  wait_timed_out: cli('`--wait` gave up before the runs ended; they go on.'),
  // Broken invariants: a bug in Rota, never the caller's fault.
  illegal_run_transition: {
    kind: 'invariant',
    summary: 'A run status change the run state machine forbids was attempted.',
    retryable: false,
  },
  illegal_digest_transition: {
    kind: 'invariant',
    summary: 'A digest delivery status change its state machine forbids was attempted.',
    retryable: false,
  },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const isErrorCode = (value: string): value is ErrorCode => Object.hasOwn(ERROR_CODES, value);
