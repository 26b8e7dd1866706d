// Shapes every resource shares: ids, names, timestamps, JSON objects, pages, and the problem
// document every error answers with (RFC 9457). Checks that the core owns are delegated to it.
import { z } from 'zod';
import { SEVERITIES } from '../core/finding-severity.ts';
import type { ValidationIssue } from '../core/validation-issue.ts';

export const Id = z.uuid().describe('A UUID.');
export const Name = z.string().trim().min(1).max(200);
export const Instant = z.iso.datetime().describe('UTC ISO-8601 with Z.');
export const JsonObject = z.record(z.string(), z.unknown());
/** A finding's severity, most severe first (SPEC section 1). */
export const Severity = z.enum(SEVERITIES);

export const Timestamps = {
  created_at: Instant,
  updated_at: Instant,
};

/** Headers of a POST that creates: a retry with the same key replays the first answer. */
/** 1 to 255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = String.raw`^[\x21-\x7e]{1,255}$`;

export const IdempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    // Checked, with its own message, where the key is taken (http/idempotency.ts).
    .meta({ pattern: IDEMPOTENCY_KEY_PATTERN })
    .describe('Same key and body: the first answer is replayed; another body: 409.'),
});

/** One or more entity tags (strong or weak, comma-separated) or `*` (RFC 9110 section 13.1.1). */
export const IF_MATCH_PATTERN = String.raw`^(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)$`;

/** Headers of a PATCH or DELETE: optimistic concurrency (ADR 45). */
export const IfMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .regex(new RegExp(IF_MATCH_PATTERN))
    .optional()
    .describe(
      'The ETag of the version read: the write happens only while that is still the current one, else 412 precondition_failed. `*` matches any existing resource; without it the last write wins.',
    ),
});

/** Path parameters: a malformed id is answered like a missing one (404). */
export const IdParams = z.object({ id: Id }).strict();

export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(512).optional().describe('The next_cursor of the previous page.'),
  })
  .strict();

export const ProjectPageQuery = PageQuery.extend({
  project_id: Id.optional().describe('Only this project’s resources.'),
}).strict();

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .describe('Pass as `cursor` for the next page; null at the end.'),
  });

export const FieldError = z.object({
  field: z.string().describe('JSON pointer into the request ("" for the whole of it).'),
  code: z.string(),
  message: z.string(),
});

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    code: z.string().describe('A stable code from docs/errors.md.'),
    errors: z.array(FieldError).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details (application/problem+json).' });

/** Reports the core's validation issues through zod, keeping their codes and JSON pointers. */
export function addCoreIssues(ctx: z.RefinementCtx, issues: readonly ValidationIssue[]): void {
  for (const found of issues)
    ctx.addIssue({
      code: 'custom',
      message: found.message,
      path: pathOf(found.field),
      params: { code: found.code, field: found.field },
    });
}

const pathOf = (pointer: string): (string | number)[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
