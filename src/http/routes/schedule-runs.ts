// A schedule's audit trail and its manual trigger, exactly as the second seed has them:
// `GET /schedules/{id}/runs` → 200 with the ticks ("schedule runs") and, beside them, the missed
// fire times; `POST /schedules/{id}/trigger` → 200 with the tick it wrote (SPEC section 3).
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdempotencyHeaders, IdParams, page, PageQuery } from '../../contract/common.ts';
import { AuditEntry, TickEntry } from '../../contract/schedule-runs.ts';
import type { ApiDeps } from '../api-deps.ts';
import { auditNextCursor, auditPageRequest } from '../audit-cursor.ts';
import { principalOf } from '../authentication.ts';
import { notFound } from '../problem.ts';
import { problems } from '../responses.ts';
import { auditEntryView, tickView } from '../run-views.ts';

const tags = ['schedules'];

export const scheduleRunRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const { schedules, audit } = deps.stores;

  app.get(
    '/schedules/:id/runs',
    {
      schema: {
        tags,
        operationId: 'listScheduleRuns',
        summary: 'List schedule runs (audit trail)',
        description:
          'Ticks with every candidate’s decision (selected, or skipped and why) and the runs ' +
          'they started, and missed fire-time records, newest first by the time they cover.',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: page(AuditEntry), ...problems(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const p = auditPageRequest(request.query);
      if ((await schedules.get(tenantId, request.params.id)) === undefined)
        throw notFound('schedule');
      const entries = await audit.trail(tenantId, request.params.id, p);
      const { shown, next_cursor } = auditNextCursor(entries, p);
      return { data: shown.map(auditEntryView), next_cursor };
    },
  );

  app.post(
    '/schedules/:id/trigger',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'triggerSchedule',
        summary: 'Manually trigger a schedule tick',
        description:
          'Runs the scheduling algorithm for this schedule immediately, ignoring last_tick_at; ' +
          'also when the schedule is paused, and without moving its regular cadence.',
        params: IdParams,
        response: { 200: TickEntry, ...problems(404, 409) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      if ((await schedules.get(tenantId, request.params.id)) === undefined)
        throw notFound('schedule');
      const tickId = await deps.engine.trigger(request.params.id, deps.now());
      const tick = tickId === undefined ? undefined : await audit.tick(tenantId, tickId);
      // Deleted between the check and the tick.
      if (tick === undefined) throw notFound('schedule');
      return tickView(tick);
    },
  );
  done();
};
