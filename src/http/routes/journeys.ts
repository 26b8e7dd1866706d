// /api/v1/journeys: one user journey exercised by one agent of the same project.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  IdParams,
  page,
  ProjectPageQuery,
  IdempotencyHeaders,
  IfMatchHeaders,
} from '../../contract/common.ts';
import { Journey, JourneyCreate, JourneyUpdate } from '../../contract/journeys.ts';
import { issue } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { assertCurrent, expectedRevisions, missingOrStale, withEtag } from '../etag.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { ApiError, invalid, notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { journeyView } from '../views.ts';

const tags = ['journeys'];

export const journeyRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const store = deps.stores.journeys;

  /** The agent must be one of the project's; anything else is "not in this project". */
  const checkAgent = async (tenantId: string, projectId: string, agentId: string) => {
    const found = await deps.stores.agents.idsInProject(tenantId, projectId, [agentId]);
    if (!found.has(agentId))
      throw invalid([
        issue('/agent_id', 'not_in_project', 'No agent with this id in the project.'),
      ]);
  };

  app.get(
    '/journeys',
    {
      schema: {
        tags,
        operationId: 'listJourneys',
        summary: 'List journeys',
        querystring: ProjectPageQuery,
        response: { 200: page(Journey), ...problems(400) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const p = pageRequest(request.query);
      const rows = await store.list(tenantId, { projectId: request.query.project_id }, p);
      return pageOf(rows, p, journeyView);
    },
  );

  app.post(
    '/journeys',
    {
      config: { idempotent: true, etag: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'createJourney',
        summary: 'Create a journey',
        body: JourneyCreate,
        response: { 201: Journey, ...problems(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const body = request.body;
      if ((await deps.stores.projects.get(tenantId, body.project_id)) === undefined)
        throw invalid([issue('/project_id', 'not_in_project', 'No project with this id.')]);
      await checkAgent(tenantId, body.project_id, body.agent_id);
      const now = deps.now();
      const journey = {
        id: deps.newId(),
        project_id: body.project_id,
        name: body.name,
        description: body.description ?? null,
        agent_id: body.agent_id,
        inputs: body.inputs ?? {},
        revision: 1,
        created_at: now,
        updated_at: now,
      };
      await store.create(tenantId, journey);
      return reply.code(201).send(withEtag(reply, journey, journeyView(journey)));
    },
  );

  app.get(
    '/journeys/:id',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'getJourney',
        summary: 'Read a journey',
        params: IdParams,
        response: { 200: Journey, ...problems(404) },
      },
    },
    async (request, reply) => {
      const found = await store.get(principalOf(request).tenantId, request.params.id);
      if (found === undefined) throw notFound('journey');
      return withEtag(reply, found, journeyView(found));
    },
  );

  app.patch(
    '/journeys/:id',
    {
      config: { etag: true },
      schema: {
        tags,
        operationId: 'updateJourney',
        summary: 'Change a journey',
        headers: IfMatchHeaders,
        params: IdParams,
        body: JourneyUpdate,
        response: { 200: Journey, ...problems(400, 404, 412) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const expected = expectedRevisions(request.headers['if-match']);
      const current = await store.get(tenantId, request.params.id);
      if (current === undefined) throw notFound('journey');
      assertCurrent(expected, current, 'journey');
      if (request.body.agent_id !== undefined)
        await checkAgent(tenantId, current.project_id, request.body.agent_id);
      const updated = await store.update(tenantId, current.id, request.body, deps.now(), expected);
      if (updated === undefined)
        return missingOrStale(expected, () => store.get(tenantId, current.id), 'journey');
      return withEtag(reply, updated, journeyView(updated));
    },
  );

  app.delete(
    '/journeys/:id',
    {
      schema: {
        tags,
        operationId: 'deleteJourney',
        summary: 'Delete a journey',
        headers: IfMatchHeaders,
        params: IdParams,
        response: { 204: NoContent, ...problems(404, 409, 412) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const { id } = request.params;
      const expected = expectedRevisions(request.headers['if-match']);
      const outcome = await store.remove(tenantId, id, expected);
      if (outcome === 'missing')
        return missingOrStale(expected, () => store.get(tenantId, id), 'journey');
      if (outcome === 'in_use')
        throw new ApiError(409, 'resource_in_use', 'A test plan still lists this journey.');
      return reply.code(204).send();
    },
  );
  done();
};
