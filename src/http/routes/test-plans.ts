// /api/v1/test-plans: a named, ordered list of the project's journeys.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  IdParams,
  page,
  ProjectPageQuery,
  IdempotencyHeaders,
  IfMatchHeaders,
} from '../../contract/common.ts';
import { TestPlan, TestPlanCreate, TestPlanUpdate } from '../../contract/journeys.ts';
import { issue, pointer } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { assertCurrent, expectedRevisions, missingOrStale, withEtag } from '../etag.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { invalid, notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { testPlanView } from '../views.ts';

const tags = ['test plans'];

export const testPlanRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const store = deps.stores.testPlans;

  const checkJourneys = async (tenantId: string, projectId: string, ids: readonly string[]) => {
    const found = await deps.stores.journeys.idsInProject(tenantId, projectId, ids);
    const missing = ids.flatMap((id, i) =>
      found.has(id)
        ? []
        : [
            issue(
              pointer('/journey_ids', i),
              'not_in_project',
              'No journey with this id in the project.',
            ),
          ],
    );
    if (missing.length > 0) throw invalid(missing);
  };

  app.get(
    '/test-plans',
    {
      schema: {
        tags,
        operationId: 'listTestPlans',
        summary: 'List test plans',
        querystring: ProjectPageQuery,
        response: { 200: page(TestPlan), ...problems(400) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const p = pageRequest(request.query);
      const rows = await store.list(tenantId, { projectId: request.query.project_id }, p);
      return pageOf(rows, p, testPlanView);
    },
  );

  app.post(
    '/test-plans',
    {
      config: { idempotent: true, etag: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'createTestPlan',
        summary: 'Create a test plan',
        body: TestPlanCreate,
        response: { 201: TestPlan, ...problems(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const body = request.body;
      if ((await deps.stores.projects.get(tenantId, body.project_id)) === undefined)
        throw invalid([issue('/project_id', 'not_in_project', 'No project with this id.')]);
      await checkJourneys(tenantId, body.project_id, body.journey_ids);
      const now = deps.now();
      const plan = {
        id: deps.newId(),
        project_id: body.project_id,
        name: body.name,
        journey_ids: body.journey_ids,
        revision: 1,
        created_at: now,
        updated_at: now,
      };
      await store.create(tenantId, plan);
      return reply.code(201).send(withEtag(reply, plan, testPlanView(plan)));
    },
  );

  app.get(
    '/test-plans/:id',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'getTestPlan',
        summary: 'Read a test plan',
        params: IdParams,
        response: { 200: TestPlan, ...problems(404) },
      },
    },
    async (request, reply) => {
      const found = await store.get(principalOf(request).tenantId, request.params.id);
      if (found === undefined) throw notFound('test plan');
      return withEtag(reply, found, testPlanView(found));
    },
  );

  app.patch(
    '/test-plans/:id',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'updateTestPlan',
        summary: 'Change a test plan',
        headers: IfMatchHeaders,
        params: IdParams,
        body: TestPlanUpdate,
        response: { 200: TestPlan, ...problems(400, 404, 412) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const expected = expectedRevisions(request.headers['if-match']);
      const current = await store.get(tenantId, request.params.id);
      if (current === undefined) throw notFound('test plan');
      assertCurrent(expected, current, 'test plan');
      if (request.body.journey_ids !== undefined)
        await checkJourneys(tenantId, current.project_id, request.body.journey_ids);
      const updated = await store.update(tenantId, current.id, request.body, deps.now(), expected);
      if (updated === undefined)
        return missingOrStale(expected, () => store.get(tenantId, current.id), 'test plan');
      return withEtag(reply, updated, testPlanView(updated));
    },
  );

  app.delete(
    '/test-plans/:id',
    {
      schema: {
        tags,
        operationId: 'deleteTestPlan',
        summary: 'Delete a test plan',
        headers: IfMatchHeaders,
        params: IdParams,
        response: { 204: NoContent, ...problems(404, 412) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const { id } = request.params;
      const expected = expectedRevisions(request.headers['if-match']);
      if (!(await store.remove(tenantId, id, expected)))
        return missingOrStale(expected, () => store.get(tenantId, id), 'test plan');
      return reply.code(204).send();
    },
  );
  done();
};
