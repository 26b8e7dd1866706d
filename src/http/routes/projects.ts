// /api/v1/projects: folders of work inside the caller's tenant.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdParams, page, PageQuery, IdempotencyHeaders } from '../../contract/common.ts';
import { Project, ProjectCreate, ProjectUpdate } from '../../contract/projects.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { projectView } from '../views.ts';

const tags = ['projects'];

export const projectRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const store = deps.stores.projects;

  app.get(
    '/projects',
    {
      schema: {
        tags,
        operationId: 'listProjects',
        summary: 'List projects',
        querystring: PageQuery,
        response: { 200: page(Project), ...problems(400) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const p = pageRequest(request.query);
      return pageOf(await store.list(tenantId, p), p, projectView);
    },
  );

  app.post(
    '/projects',
    {
      config: { idempotent: true },
      schema: {
        headers: IdempotencyHeaders,
        tags,
        operationId: 'createProject',
        summary: 'Create a project',
        body: ProjectCreate,
        response: { 201: Project, ...problems(400, 409) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const now = deps.now();
      const project = {
        id: deps.newId(),
        name: request.body.name,
        created_at: now,
        updated_at: now,
      };
      await store.create(tenantId, project);
      return reply.code(201).send(projectView(project));
    },
  );

  app.get(
    '/projects/:id',
    {
      schema: {
        tags,
        operationId: 'getProject',
        summary: 'Read a project',
        params: IdParams,
        response: { 200: Project, ...problems(404) },
      },
    },
    async (request) => {
      const found = await store.get(principalOf(request).tenantId, request.params.id);
      if (found === undefined) throw notFound('project');
      return projectView(found);
    },
  );

  app.patch(
    '/projects/:id',
    {
      schema: {
        tags,
        operationId: 'updateProject',
        summary: 'Rename a project',
        params: IdParams,
        body: ProjectUpdate,
        response: { 200: Project, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const updated = await store.update(tenantId, request.params.id, request.body, deps.now());
      if (updated === undefined) throw notFound('project');
      return projectView(updated);
    },
  );

  app.delete(
    '/projects/:id',
    {
      schema: {
        tags,
        operationId: 'deleteProject',
        summary: 'Delete a project and everything in it',
        params: IdParams,
        response: { 204: NoContent, ...problems(404) },
      },
    },
    async (request, reply) => {
      const removed = await store.remove(principalOf(request).tenantId, request.params.id);
      if (!removed) throw notFound('project');
      deps.onSchedulesChanged?.();
      return reply.code(204).send();
    },
  );
  done();
};
