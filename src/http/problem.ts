// Errors the API answers with, as RFC 9457 problem details: `type`, `title`, `status`, `detail`,
// a stable `code` from the catalogue, and for validation the field-level `errors`.
import { ERROR_CODES, type ErrorCode } from '../core/error-codes.ts';
import type { ValidationIssue } from '../core/validation-issue.ts';

export const PROBLEM_TYPE = 'application/problem+json';

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly code: string;
  readonly errors?: readonly ValidationIssue[];
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Invalid request',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  412: 'Precondition failed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** An error a route throws to answer with a problem; the error handler renders it. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly errors: readonly ValidationIssue[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: ErrorCode,
    detail: string,
    options: {
      readonly errors?: readonly ValidationIssue[];
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** 400 with field-level errors, e.g. a referenced id that is not in the project. */
export const invalid = (errors: readonly ValidationIssue[]): ApiError =>
  new ApiError(400, errors[0]?.code ?? 'invalid_value', describeIssues(errors), { errors });

export const notFound = (what: string): ApiError =>
  new ApiError(404, 'not_found', `No ${what} with this id.`);

export function describeIssues(errors: readonly ValidationIssue[]): string {
  const first = errors[0];
  if (first === undefined) return 'The request is invalid.';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${first.field === '' ? '' : `${first.field}: `}${first.message}${more}`;
}

export function problemBody(
  status: number,
  code: string,
  detail: string,
  errors?: readonly ValidationIssue[],
): ProblemBody {
  return {
    type: `urn:rota:problem:${code}`,
    title: TITLES[status] ?? (code in ERROR_CODES ? code : 'Error'),
    status,
    detail,
    code,
    ...(errors === undefined ? {} : { errors }),
  };
}
