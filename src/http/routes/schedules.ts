// /api/v1/schedules, exactly as the second seed has them (defaults, PATCH → 200, DELETE → 204),
// with SPEC section 2's cadences. The cadence is resolved by the core once per request, against
// this server's clock (`deps.now`), and next_fire_at is recomputed whenever the cadence or the
// enabled state changes.
import { isPause } from '../../core/schedule-ownership.ts';
import { assertMayChange } from '../schedule-ownership.ts';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdParams, page, IdempotencyHeaders, IfMatchHeaders } from '../../contract/common.ts';
import { Preview, PreviewRequest } from '../../contract/schedule-preview.ts';
import {
  digestIssues,
  Schedule,
  ScheduleCreate,
  ScheduleListQuery,
  ScheduleUpdate,
} from '../../contract/schedules.ts';
import type { Cadence } from '../../core/cadence.ts';
import { previewCadence } from '../../core/cadence-preview.ts';
import { isSupportedInstant, parseInstant } from '../../core/instant.ts';
import { compileCadence, nextFireTime } from '../../core/next-fire-times.ts';
import {
  resolveScheduleCadence,
  SHORTHAND_FIELDS,
  updateScheduleCadence,
} from '../../core/schedule-cadence.ts';
import { issue, type Parsed } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import type { Principal } from '../principal.ts';
import { assertCurrent, expectedRevisions, missingOrStale, withEtag } from '../etag.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { ApiError, invalid, notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { scheduleView } from '../schedule-view.ts';
import { cadenceView } from '../views.ts';

const tags = ['schedules'];

type CadenceField = 'cadence' | 'tick_interval_hours' | 'run_days' | 'anchor_time' | 'timezone';

/** The body's settings: the cadence fields are resolved into `cadence` separately. */
function withoutCadenceFields<T extends Partial<Record<CadenceField, unknown>>>(
  body: T,
): Omit<T, CadenceField> {
  const settings: Partial<T> = { ...body };
  for (const key of ['cadence', ...SHORTHAND_FIELDS] as CadenceField[]) delete settings[key];
  return settings as Omit<T, CadenceField>;
}

/** A digest_config the core accepted, as stored: a disabled one may list no recipients. */
function storedDigest<C extends { readonly recipients?: string[] | undefined }>(
  config: C | null,
): (Omit<C, 'recipients'> & { recipients: string[] }) | null {
  return config === null ? null : { ...config, recipients: config.recipients ?? [] };
}

const nextFireAt = (cadence: Cadence, enabled: boolean, now: number): number | null =>
  enabled ? (nextFireTime(compileCadence(cadence), now)?.at ?? null) : null;

type Resolved = Extract<Parsed<Cadence>, { ok: true }>;

/**
 * Refuses a body whose cadence (when it gives one) or digest_config the core refuses, with every
 * issue of both in one 400, cadence first, as a refinement of the body's schema would.
 */
function refuseInvalid(
  cadence: Parsed<Cadence> | undefined,
  body: { readonly digest_config?: unknown },
): asserts cadence is Resolved | undefined {
  const issues = [
    ...(cadence === undefined || cadence.ok ? [] : cadence.errors),
    ...digestIssues(body),
  ];
  if (issues.length > 0) throw invalid(issues);
}

/** A preview's start: its `from`, or the server's clock. */
function previewStart(from: string | undefined, now: () => number): number {
  if (from === undefined) return now();
  const start = parseInstant(from);
  if (start === undefined || !isSupportedInstant(start))
    throw invalid([
      issue(
        '/from',
        'invalid_instant',
        'from must be an ISO-8601 instant with Z or an offset, between 1900 and 2699.',
      ),
    ]);
  return start;
}

export const scheduleRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const store = deps.stores.schedules;
  const changed = () => deps.onSchedulesChanged?.();
  // Until an admin registers the tenant (seed 1 step 2), users may not create or enable
  // schedules; machine clients act as themselves and are never gated.
  const gate = async (principal: Principal) => {
    if (principal.kind !== 'user') return;
    if ((await deps.stores.tenants.userSchedulingEnabledAt(principal.tenantId)) !== null) return;
    throw new ApiError(
      403,
      'scheduling_not_enabled',
      'Scheduling is not enabled for your organisation; ask an admin.',
    );
  };

  app.post(
    '/schedules',
    {
      config: { idempotent: true, etag: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'createSchedule',
        summary: 'Create a schedule',
        body: ScheduleCreate,
        response: { 201: Schedule, ...problems(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { tenantId } = principal;
      await gate(principal);
      const now = deps.now();
      const cadence = resolveScheduleCadence(request.body, now);
      refuseInvalid(cadence, request.body);
      const { project_id, ...settings } = withoutCadenceFields(request.body);
      if ((await deps.stores.projects.get(tenantId, project_id)) === undefined)
        throw invalid([issue('/project_id', 'not_in_project', 'No project with this id.')]);
      const schedule = {
        ...settings,
        digest_config: storedDigest(settings.digest_config),
        id: deps.newId(),
        project_id,
        cadence: cadence.value,
        owner_kind: principal.kind,
        owner_id: principal.subject,
        next_fire_at: nextFireAt(cadence.value, settings.enabled, now),
        last_tick_at: null,
        revision: 1,
        created_at: now,
        updated_at: now,
      };
      await store.create(tenantId, schedule);
      changed();
      return reply
        .code(201)
        .send(withEtag(reply, schedule, await scheduleView(schedule, store, tenantId, now)));
    },
  );

  app.get(
    '/schedules',
    {
      schema: {
        tags,
        operationId: 'listSchedules',
        summary: 'List schedules',
        querystring: ScheduleListQuery,
        response: { 200: page(Schedule), ...problems(400) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const now = deps.now();
      const p = pageRequest(request.query);
      const rows = await store.list(tenantId, { projectId: request.query.project_id }, p);
      return pageOf(rows, p, (row) => scheduleView(row, store, tenantId, now));
    },
  );

  app.post(
    '/schedules/preview',
    {
      schema: {
        tags,
        operationId: 'previewSchedule',
        summary: 'Preview an unsaved cadence: summary and next fire times',
        body: PreviewRequest,
        response: { 200: Preview, ...problems(400) },
      },
    },
    (request) => {
      principalOf(request);
      const { cadence, from, count } = request.body;
      const start = previewStart(from, deps.now);
      const preview = previewCadence(cadence, start, count);
      if (!preview.ok)
        throw invalid(preview.errors.map((e) => ({ ...e, field: `/cadence${e.field}` })));
      const { summary, next_runs } = preview.value;
      return {
        cadence: cadenceView(preview.value.cadence),
        summary,
        next_runs: next_runs.map((run) => ({ ...run })),
      };
    },
  );

  app.get(
    '/schedules/:id',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'getSchedule',
        summary: 'Read a schedule',
        params: IdParams,
        response: { 200: Schedule, ...problems(404) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const found = await store.get(tenantId, request.params.id);
      if (found === undefined) throw notFound('schedule');
      return withEtag(reply, found, await scheduleView(found, store, tenantId, deps.now()));
    },
  );

  app.patch(
    '/schedules/:id',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'updateSchedule',
        summary: 'Update a schedule (digest_config: null disables the digest)',
        headers: IfMatchHeaders,
        params: IdParams,
        body: ScheduleUpdate,
        response: { 200: Schedule, ...problems(400, 403, 404, 412) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { tenantId } = principal;
      const now = deps.now();
      const body = request.body;
      if (body.enabled === true) await gate(principal);
      const expected = expectedRevisions(request.headers['if-match']);
      // A whole new cadence stands on its own: it is refused before the schedule is looked up.
      const replaced = body.cadence === undefined ? undefined : resolveScheduleCadence(body, now);
      refuseInvalid(replaced, body);
      const current = await store.get(tenantId, request.params.id);
      if (current === undefined) throw notFound('schedule');
      assertMayChange(principal, current, isPause(body) ? 'pause' : 'other');
      assertCurrent(expected, current, 'schedule');
      const settings = withoutCadenceFields(body);
      // Top-level fields alone change the stored cadence: checked against it.
      const cadence = replaced ?? updateScheduleCadence(current.cadence, body, now);
      if (cadence !== undefined && !cadence.ok) throw invalid(cadence.errors);
      const enabled = settings.enabled ?? current.enabled;
      const rearm = cadence !== undefined || enabled !== current.enabled;
      const resumed = enabled && !current.enabled;
      const updated = await store.update(
        tenantId,
        current.id,
        {
          ...settings,
          digest_config:
            settings.digest_config === undefined ? undefined : storedDigest(settings.digest_config),
          ...(cadence === undefined ? {} : { cadence: cadence.value }),
          // Resuming starts from the next fire time after now, never from the missed ones; a
          // change that does not re-arm leaves the scheduler's next fire time alone.
          ...(rearm
            ? { next_fire_at: nextFireAt(cadence?.value ?? current.cadence, enabled, now) }
            : {}),
          // A resumed schedule drops its pause note (an automatic one above all) unless given one.
          ...(resumed ? { resumed, pause_note: settings.pause_note ?? null } : {}),
        },
        now,
        expected,
      );
      if (updated === undefined)
        return missingOrStale(expected, () => store.get(tenantId, current.id), 'schedule');
      if (rearm) changed();
      return withEtag(reply, updated, await scheduleView(updated, store, tenantId, now));
    },
  );

  app.delete(
    '/schedules/:id',
    {
      schema: {
        tags,
        operationId: 'deleteSchedule',
        summary: 'Delete schedule',
        headers: IfMatchHeaders,
        params: IdParams,
        response: { 204: NoContent, ...problems(403, 404, 412) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { tenantId } = principal;
      const { id } = request.params;
      const expected = expectedRevisions(request.headers['if-match']);
      const current = await store.get(tenantId, id);
      if (current !== undefined) assertMayChange(principal, current, 'delete');
      if (!(await store.remove(tenantId, id, expected)))
        return missingOrStale(expected, () => store.get(tenantId, id), 'schedule');
      changed();
      return reply.code(204).send();
    },
  );
  done();
};
