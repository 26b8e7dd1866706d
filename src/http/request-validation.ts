// Request schemas are zod; this compiler runs them and, on failure, keeps zod's issues so the
// error handler can turn them into Rota's `{ field, code, message }` list with catalogue codes.
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import type { ErrorCode } from '../core/error-codes.ts';
import { isErrorCode } from '../core/error-codes.ts';
import { issue, pointer, type ValidationIssue } from '../core/validation-issue.ts';

export class RequestInvalid extends Error {
  readonly issues: readonly ValidationIssue[];
  validationContext?: string;
  constructor(issues: readonly ValidationIssue[]) {
    super('The request does not match its schema.');
    this.issues = issues;
  }
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    return result.success
      ? { value: result.data }
      : { error: new RequestInvalid(toIssues(result.error.issues)) };
  };

/** Zod's issues as Rota's, one per field and code, in field order. */
export function toIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  const out = new Map<string, ValidationIssue>();
  for (const found of issues.flatMap(convert)) {
    const key = `${found.field}\u0000${found.code}`;
    if (!out.has(key)) out.set(key, found);
  }
  return [...out.values()];
}

const at = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((p, segment) => pointer(p, String(segment)), '');

function convert(found: z.core.$ZodIssue): ValidationIssue[] {
  const field = at(found.path);
  switch (found.code) {
    case 'unrecognized_keys':
      return found.keys.map((key) =>
        issue(pointer(field, key), 'field_not_allowed', `Unknown field "${key}".`),
      );
    case 'invalid_type': {
      const input = (found as { input?: unknown }).input;
      // Zod leaves `input` out when it was undefined: a missing field (or a missing body,
      // which Fastify passes on as null).
      if (input === undefined || (input === null && found.path.length === 0))
        return [issue(field, 'required', `${lastSegment(found.path)} is required.`)];
      // A number of the right type but not an integer is a bad value, not a bad type.
      if (typeof input === 'number' && Number.isFinite(input))
        return [issue(field, 'invalid_value', found.message)];
      return [issue(field, 'invalid_type', found.message)];
    }
    case 'custom': {
      const params = (found.params ?? {}) as { code?: unknown; field?: unknown };
      const code: ErrorCode =
        typeof params.code === 'string' && isErrorCode(params.code) ? params.code : 'invalid_value';
      return [issue(typeof params.field === 'string' ? params.field : field, code, found.message)];
    }
    default:
      return [issue(field, 'invalid_value', found.message)];
  }
}

const lastSegment = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? 'The body' : String(path[path.length - 1]);
