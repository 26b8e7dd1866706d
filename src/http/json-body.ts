// The API's only body parser: JSON, checked before any schema sees it, so that nothing a client
// sends can reach storage or a log line in a shape that breaks them (research/reliability.md 4.2):
// no `__proto__` keys, no nesting deeper than MAX_DEPTH (stringify would overflow the stack), no
// NUL or lone surrogates (PostgreSQL cannot store the first; the two databases must agree).
import type { FastifyInstance } from 'fastify';
import type { ValidationIssue } from '../core/validation-issue.ts';
import { issue, pointer } from '../core/validation-issue.ts';
import { ApiError, describeIssues } from './problem.ts';

/** Objects and arrays nested in one another, the outermost included. */
export const MAX_DEPTH = 32;
const MAX_REPORTED = 20;

export function registerJsonBody(app: FastifyInstance): void {
  // Every other media type is a 415, including text/plain, which Fastify would parse by default.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    // An empty body with a JSON content type (as some clients send on DELETE) is no body.
    if (text.length === 0) return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return done(
        new ApiError(
          400,
          'invalid_json',
          `The body is not valid JSON: ${(error as Error).message}`,
        ),
      );
    }
    const problems = checkJson(value);
    if (problems.length > 0) {
      const code = problems[0]?.code ?? 'invalid_json';
      return done(new ApiError(400, code, describeIssues(problems), { errors: problems }));
    }
    done(null, value);
  });
}

/** Every problem (up to a bound) in parsed JSON, each with a JSON pointer; iterative. */
export function checkJson(root: unknown): ValidationIssue[] {
  const problems: ValidationIssue[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value: root, path: '', depth: 0 },
  ];
  while (stack.length > 0 && problems.length < MAX_REPORTED) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (!isStorable(value))
        problems.push(
          issue(path, 'invalid_characters', 'Strings may not hold NUL or lone surrogates.'),
        );
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) {
      problems.push(issue(path, 'too_deep', `JSON may nest at most ${MAX_DEPTH} levels.`));
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: pointer(path, i), depth: depth + 1 }));
      continue;
    }
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const at = pointer(path, key);
      if (key === '__proto__' || (key === 'constructor' && isPrototypeHolder(v)))
        problems.push(issue(at, 'field_not_allowed', `"${key}" is not allowed as a key.`));
      else if (!isStorable(key))
        problems.push(
          issue(path, 'invalid_characters', 'Keys may not hold NUL or lone surrogates.'),
        );
      else stack.push({ value: v, path: at, depth: depth + 1 });
    }
  }
  return problems.sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

const isStorable = (text: string): boolean => !text.includes('\u0000') && text.isWellFormed();

const isPrototypeHolder = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.hasOwn(v, 'prototype');
