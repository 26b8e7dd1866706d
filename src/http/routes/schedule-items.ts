// /api/v1/schedules/{id}/items: journeys and test plans on a schedule (seed: exactly one target,
// of the schedule's project, once per schedule; the answer is shaped by the item's kind).
import type { FastifyRequest } from 'fastify';
import { assertMayChange } from '../schedule-ownership.ts';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  IdParams as ScheduleParams,
  IdempotencyHeaders,
  IfMatchHeaders,
} from '../../contract/common.ts';
import { ItemCreate, ItemParams, ItemUpdate, ScheduleItem } from '../../contract/schedule-items.ts';
import { issue } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { expectedRevisions, missingOrStale, withEtag } from '../etag.ts';
import { invalid, notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { itemView } from '../views.ts';

const tags = ['schedules'];

export const scheduleItemRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const store = deps.stores.schedules;
  /** The caller, allowed to change the items of the schedule in the path (403 not_owner). */
  const ownerOnly = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    const principal = principalOf(request);
    const schedule = await store.get(principal.tenantId, request.params.id);
    if (schedule !== undefined) assertMayChange(principal, schedule, 'other');
    return principal;
  };

  app.post(
    '/schedules/:id/items',
    {
      config: { idempotent: true, etag: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'addScheduleItem',
        summary: 'Add a user journey or test plan to a schedule',
        params: ScheduleParams,
        body: ItemCreate,
        response: { 201: ScheduleItem, ...problems(400, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { tenantId } = principal;
      const schedule = await store.get(tenantId, request.params.id);
      if (schedule === undefined) throw notFound('schedule');
      assertMayChange(principal, schedule, 'other');
      const body = request.body;
      const [kind, targetId, field] =
        body.journey_id !== undefined
          ? (['journey', body.journey_id, '/journey_id'] as const)
          : (['test_plan', body.test_plan_id as string, '/test_plan_id'] as const);
      const targets = kind === 'journey' ? deps.stores.journeys : deps.stores.testPlans;
      const found = await targets.idsInProject(tenantId, schedule.project_id, [targetId]);
      if (!found.has(targetId))
        throw invalid([
          issue(
            field,
            'not_in_project',
            `No ${kind.replace('_', ' ')} with this id in the schedule's project.`,
          ),
        ]);
      const now = deps.now();
      const item = {
        id: deps.newId(),
        schedule_id: schedule.id,
        target_kind: kind,
        target_id: targetId,
        priority: body.priority,
        parameters: body.parameters,
        enabled: body.enabled,
        last_run_at: null,
        revision: 1,
        created_at: now,
        updated_at: now,
      };
      if ((await store.addItem(tenantId, item)) === 'duplicate')
        throw invalid([issue(field, 'duplicate_item', 'The schedule already has this target.')]);
      deps.onSchedulesChanged?.();
      return reply.code(201).send(withEtag(reply, item, itemView(item)));
    },
  );

  app.get(
    '/schedules/:id/items/:itemId',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'getScheduleItem',
        summary: 'Read one item of a schedule',
        params: ItemParams,
        response: { 200: ScheduleItem, ...problems(404) },
      },
    },
    async (request, reply) => {
      const { id, itemId } = request.params;
      const found = await store.item(principalOf(request).tenantId, id, itemId);
      if (found === undefined) throw notFound('item');
      return withEtag(reply, found, itemView(found));
    },
  );

  app.patch(
    '/schedules/:id/items/:itemId',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'updateScheduleItem',
        summary: 'Change an item’s priority, parameters or enabled state',
        headers: IfMatchHeaders,
        params: ItemParams,
        body: ItemUpdate,
        response: { 200: ScheduleItem, ...problems(400, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      const { tenantId } = await ownerOnly(request);
      const { id, itemId } = request.params;
      const expected = expectedRevisions(request.headers['if-match']);
      const now = deps.now();
      const updated = await store.updateItem(tenantId, id, itemId, request.body, now, expected);
      if (updated === undefined)
        return missingOrStale(expected, () => store.item(tenantId, id, itemId), 'item');
      return withEtag(reply, updated, itemView(updated));
    },
  );

  app.delete(
    '/schedules/:id/items/:itemId',
    {
      schema: {
        tags,
        operationId: 'deleteScheduleItem',
        summary: 'Remove a user journey or test plan item from a schedule',
        headers: IfMatchHeaders,
        params: ItemParams,
        response: { 204: NoContent, ...problems(403, 404, 412) },
      },
    },
    async (request, reply) => {
      const { tenantId } = await ownerOnly(request);
      const { id, itemId } = request.params;
      const expected = expectedRevisions(request.headers['if-match']);
      if (!(await store.removeItem(tenantId, id, itemId, expected)))
        return missingOrStale(expected, () => store.item(tenantId, id, itemId), 'item');
      return reply.code(204).send();
    },
  );
  done();
};
