// The one mapping from errors to application/problem+json (ARCHITECTURE habit 5). Anything a
// client sent is a 4xx with a stable code; an unreachable database is a 503 with Retry-After;
// only Rota's own bugs are a 500, logged with their detail and answered without it.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ValidationIssue } from '../core/validation-issue.ts';
import { ApiError, describeIssues, problemBody, PROBLEM_TYPE } from './problem.ts';
import { RequestInvalid } from './request-validation.ts';
import { collectRouteMethods } from './route-methods.ts';

export const RETRY_AFTER_SECONDS = 5;

// Fastify's own request errors, by code.
const FASTIFY: Readonly<Record<string, readonly [number, ApiError['code'], string]>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    415,
    'unsupported_media_type',
    'Send the body as application/json.',
  ],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The body is larger than 1 MiB.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    'invalid_json',
    'Content-Length does not match the body.',
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'The body is empty.'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'The body is not valid JSON.'],
};

export function sendProblem(
  reply: FastifyReply,
  status: number,
  code: string,
  detail: string,
  errors?: readonly ValidationIssue[],
  headers: Readonly<Record<string, string>> = {},
): FastifyReply {
  return reply
    .code(status)
    .headers(headers)
    .type(PROBLEM_TYPE)
    .send(JSON.stringify(problemBody(status, code, detail, errors)));
}

export function registerErrorHandler(
  app: FastifyInstance,
  storage: {
    readonly isUnavailable: (error: unknown) => boolean;
    readonly isReferenceGone: (error: unknown) => boolean;
  },
): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof ApiError)
      return sendProblem(
        reply,
        error.status,
        error.code,
        error.message,
        error.errors,
        error.headers,
      );
    if (error instanceof RequestInvalid) {
      // A malformed id in the path names nothing: not found, like another tenant's id.
      if (error.validationContext === 'params')
        return sendProblem(reply, 404, 'not_found', 'No resource with this id.');
      return sendProblem(
        reply,
        400,
        error.issues[0]?.code ?? 'invalid_value',
        describeIssues(error.issues),
        error.issues,
      );
    }
    const known = 'code' in error ? FASTIFY[error.code] : undefined;
    if (known !== undefined) return sendProblem(reply, known[0], known[1], known[2]);
    // A referenced object deleted between the route's check and its write: as if never there.
    if (storage.isReferenceGone(error))
      return sendProblem(
        reply,
        400,
        'not_in_project',
        'An object this request refers to was deleted meanwhile; it is not in this project.',
      );
    if (storage.isUnavailable(error)) {
      request.log.warn({ err: error }, 'the database is unreachable');
      return sendProblem(
        reply,
        503,
        'dependency_unavailable',
        'The database is unreachable; try again shortly.',
        undefined,
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
    const status = 'statusCode' in error ? (error.statusCode ?? 500) : 500;
    if (status >= 400 && status < 500)
      return sendProblem(reply, status, 'invalid_value', error.message);
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, 500, 'internal', 'An unexpected error; it has been logged.');
  });
  const routes = collectRouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = routes.allowed(path);
    if (allowed.length > 0)
      return sendProblem(
        reply,
        405,
        'method_not_allowed',
        `${path} answers ${allowed.join(', ')}, not ${request.method}.`,
        undefined,
        { allow: allowed.join(', ') },
      );
    return sendProblem(reply, 404, 'not_found', `No route ${request.method} ${path}.`);
  });
}
