// The digest endpoints (SPEC sections 6 and 8): force-sending a schedule's latest digest, the
// outbox and the mail status, through the MailPort main.ts hands in. Every member may force-send
// and read the outbox: digests only describe schedules and runs the caller can already read, and
// whoever force-sends needs to see what went out. The mail status describes the installation's
// mail server, one of the tenant's settings (SPEC section 9), so it is for admins.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdempotencyHeaders, IdParams, page, PageQuery } from '../../contract/common.ts';
import { MailStatus, OutboxEntry, OutboxSummary } from '../../contract/mail.ts';
import { ERROR_CODES } from '../../core/error-codes.ts';
import { issue } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { adminOnly, principalOf, requireAdmin } from '../authentication.ts';
import type { OutboxSummary as OutboxView } from '../../core/digest-records.ts';
import { ApiError, notFound } from '../problem.ts';
import { problems } from '../responses.ts';

const REFUSALS = ['digest_disabled', 'no_tick_yet', 'invalid_cursor'] as const;
type Refusal = (typeof REFUSALS)[number];

/** The mail service's refusals carry a catalogue code (http may not import their classes). */
function asProblem(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (!(error instanceof Error) || !REFUSALS.includes(code as Refusal)) return error;
  const known = code as Refusal;
  if (known === 'invalid_cursor')
    return new ApiError(400, known, 'This cursor was not issued by Rota; list again without it.', {
      errors: [issue('/cursor', known, 'Not a cursor Rota issued.')],
    });
  return new ApiError(ERROR_CODES[known].status ?? 400, known, error.message);
}

const refusing = async <T>(call: Promise<T>): Promise<T> => {
  try {
    return await call;
  } catch (error) {
    throw asProblem(error);
  }
};

/** The port's read-only lists as the response schemas type them. */
const shown = <T extends OutboxView>(digest: T) => ({
  ...digest,
  recipients: [...digest.recipients],
});

export const mailRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const { mail } = deps;

  app.post(
    '/schedules/:id/digest',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyHeaders,
        tags: ['schedules'],
        operationId: 'sendScheduleDigest',
        summary: 'Send a digest email for this schedule now',
        description:
          'Force-sends the digest of the schedule’s most recent tick, whatever digest_config.send ' +
          'says; recipients and min_severity come from digest_config. 400 digest_disabled unless ' +
          'digest_config.enabled; 409 no_tick_yet before the first tick. Answers with the digest ' +
          'as queued: the mailer delivers it moments later (see GET /outbox/{id}).',
        params: IdParams,
        response: { 200: OutboxEntry, ...problems(400, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const digest = await refusing(mail.forceDigest(request.params.id, tenantId));
      if (digest === undefined) throw notFound('schedule');
      return shown(digest);
    },
  );

  app.get(
    '/outbox',
    {
      schema: {
        tags: ['mail'],
        operationId: 'listOutbox',
        summary: 'List the tenant’s digests, newest first, with their delivery status',
        querystring: PageQuery,
        response: { 200: page(OutboxSummary), ...problems(400) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const { limit, cursor } = request.query;
      const listed = await refusing(mail.listOutbox(tenantId, { limit, cursor }));
      return { data: listed.data.map(shown), next_cursor: listed.next_cursor };
    },
  );

  app.get(
    '/outbox/:id',
    {
      schema: {
        tags: ['mail'],
        operationId: 'getOutboxEntry',
        summary: 'Read a digest with its rendered HTML and plain text',
        params: IdParams,
        response: { 200: OutboxEntry, ...problems(404) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const digest = await mail.readOutboxEntry(tenantId, request.params.id);
      if (digest === undefined) throw notFound('digest');
      return shown(digest);
    },
  );

  app.get(
    '/mail/status',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['mail'],
        operationId: 'getMailStatus',
        summary: 'The digest transport, the last delivery and recent failures (admins)',
        response: { 200: MailStatus, ...problems(403) },
      },
    },
    async (request) => {
      const status = await mail.mailStatus(requireAdmin(request).tenantId);
      return {
        ...status,
        counts: { ...status.counts },
        last_delivery: status.last_delivery === null ? null : shown(status.last_delivery),
        recent_failures: status.recent_failures.map(shown),
      };
    },
  );
  done();
};
