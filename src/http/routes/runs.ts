// /api/v1/runs (SPEC sections 4 and 6): the tenant's runs newest first, one run with its steps,
// logs and findings, running a journey or test plan now (201, trigger `api` for clients and
// `manual` for signed-in users, counted in the tenant's agents), re-running one, and cancelling.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdempotencyHeaders, IdParams, page } from '../../contract/common.ts';
import { Run, RunCreate, RunDetail, RunListQuery } from '../../contract/runs.ts';
import { DEFAULT_MAX_ATTEMPTS } from '../../core/run-state.ts';
import { issue } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import type { Principal } from '../principal.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { ApiError, invalid, notFound } from '../problem.ts';
import { problems } from '../responses.ts';
import { runDetailView, runView } from '../run-views.ts';

const tags = ['runs'];

interface StartRequest {
  readonly target: { readonly type: 'journey' | 'test_plan'; readonly id: string };
  readonly parameters: Record<string, unknown>;
}

export const runRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const { runs, journeys, testPlans } = deps.stores;

  /** The target's project and agent cost (a journey 1, a test plan one per journey). */
  async function resolveTarget(tenantId: string, target: StartRequest['target']) {
    if (target.type === 'journey') {
      const journey = await journeys.get(tenantId, target.id);
      return journey && { projectId: journey.project_id, agents: 1 };
    }
    const plan = await testPlans.get(tenantId, target.id);
    return plan && { projectId: plan.project_id, agents: plan.journey_ids.length };
  }

  async function start(principal: Principal, body: StartRequest, field: string) {
    const resolved = await resolveTarget(principal.tenantId, body.target);
    if (resolved === undefined)
      throw invalid([
        issue(field, 'not_in_project', `No ${body.target.type.replace('_', ' ')} with this id.`),
      ]);
    const now = deps.now();
    return runs.create(principal.tenantId, {
      id: deps.newId(),
      project_id: resolved.projectId,
      target: { kind: body.target.type, id: body.target.id },
      // SPEC section 3: `manual` from the UI (a signed-in user), `api` from an API client.
      trigger: principal.kind === 'user' ? 'manual' : 'api',
      triggered_by: principal.subject,
      parameters: body.parameters,
      agents_spawned: resolved.agents,
      max_attempts: DEFAULT_MAX_ATTEMPTS,
      now,
    });
  }

  app.get(
    '/runs',
    {
      schema: {
        tags,
        operationId: 'listRuns',
        summary: 'List runs, newest first',
        querystring: RunListQuery,
        response: { 200: page(Run), ...problems(400) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const { schedule_id, status, trigger } = request.query;
      const p = pageRequest(request.query);
      const rows = await runs.list(tenantId, { scheduleId: schedule_id, status, trigger }, p);
      return pageOf(rows, p, runView);
    },
  );

  app.post(
    '/runs',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'createRun',
        summary: 'Run a journey or test plan now',
        body: RunCreate,
        response: { 201: Run, ...problems(400, 409) },
      },
    },
    async (request, reply) => {
      const run = await start(principalOf(request), request.body, '/target/id');
      return reply.code(201).send(runView(run));
    },
  );

  app.get(
    '/runs/:id',
    {
      schema: {
        tags,
        operationId: 'getRun',
        summary: 'Read a run with its steps, logs and findings',
        params: IdParams,
        response: { 200: RunDetail, ...problems(404) },
      },
    },
    async (request) => {
      const found = await runs.detail(principalOf(request).tenantId, request.params.id);
      if (found === undefined) throw notFound('run');
      return runDetailView(found);
    },
  );

  app.post(
    '/runs/:id/cancel',
    {
      schema: {
        tags,
        operationId: 'cancelRun',
        summary: 'Cancel a queued or running run',
        description:
          'A running run’s worker loses its lease at once and cannot finish it; an ended run is a 409.',
        params: IdParams,
        response: { 200: Run, ...problems(404, 409) },
      },
    },
    async (request) => {
      const outcome = await runs.cancel(
        principalOf(request).tenantId,
        request.params.id,
        deps.now(),
      );
      if (outcome.result === 'missing') throw notFound('run');
      if (outcome.result === 'ended')
        throw new ApiError(409, 'run_ended', `The run has already ended (${outcome.run.status}).`);
      return runView(outcome.run);
    },
  );

  app.post(
    '/runs/:id/rerun',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'rerunRun',
        summary: 'Run the same target with the same parameters again',
        params: IdParams,
        response: { 201: Run, ...problems(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const earlier = await runs.get(principal.tenantId, request.params.id);
      if (earlier === undefined) throw notFound('run');
      const { kind, id } = earlier.target;
      if (kind === 'flow')
        throw invalid([issue('', 'invalid_value', 'Flow runs are re-run from their flow.')]);
      const run = await start(
        principal,
        { target: { type: kind, id }, parameters: earlier.parameters },
        '',
      );
      return reply.code(201).send(runView(run));
    },
  );
  done();
};
