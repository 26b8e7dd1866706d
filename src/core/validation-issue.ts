// The one shape every validator in Rota returns: all problems at once, each pinned to a field.
import type { ErrorCode } from './error-codes.ts';

export interface ValidationIssue {
  /** JSON pointer into the validated input ("" for the whole input), e.g. "/times/1". */
  readonly field: string;
  readonly code: ErrorCode;
  readonly message: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly ValidationIssue[] };

export const issue = (field: string, code: ErrorCode, message: string): ValidationIssue => ({
  field,
  code,
  message,
});

/** Appends a path segment to a JSON pointer, escaping `~` and `/` as RFC 6901 requires. */
export const pointer = (base: string, segment: string | number): string =>
  `${base}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
