// /api/v1/agents and /api/v1/tools: the project's registry. Both share one shape and one set of
// routes, told apart by kind lists and table.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  IdParams,
  page,
  ProjectPageQuery,
  IdempotencyHeaders,
  IfMatchHeaders,
} from '../../contract/common.ts';
import {
  Agent,
  AgentCreate,
  AgentUpdate,
  Tool,
  ToolCreate,
  ToolUpdate,
} from '../../contract/registry.ts';
import { checkCalleeConfig, redactedHeaderProblems } from '../../core/callee-config.ts';
import { issue } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { assertCurrent, expectedRevisions, missingOrStale, withEtag } from '../etag.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import type { CalleePort } from '../ports.ts';
import { ApiError, invalid, notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { calleeView } from '../views.ts';

const SHAPES = {
  agents: { create: AgentCreate, update: AgentUpdate, read: Agent, noun: 'agent', role: 'agent' },
  tools: { create: ToolCreate, update: ToolUpdate, read: Tool, noun: 'tool', role: 'tool' },
} as const;

export const registryRoutes =
  (table: 'agents' | 'tools'): FastifyPluginCallbackZod<ApiDeps> =>
  (app, deps, done) => {
    const store: CalleePort = deps.stores[table];
    const { create, update, read, noun, role } = SHAPES[table];
    const tags = [table];
    const Table = table === 'agents' ? 'Agents' : 'Tools';
    const Noun = table === 'agents' ? 'Agent' : 'Tool';
    type Kind = (typeof read)['_zod']['output']['kind'];
    const view = (record: Parameters<typeof calleeView>[0]) => calleeView<Kind>(record);

    app.get(
      `/${table}`,
      {
        schema: {
          tags,
          operationId: `list${Table}`,
          summary: `List ${table}`,
          querystring: ProjectPageQuery,
          response: { 200: page(read), ...problems(400) },
        },
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const p = pageRequest(request.query);
        const rows = await store.list(tenantId, { projectId: request.query.project_id }, p);
        return pageOf(rows, p, view);
      },
    );

    app.post(
      `/${table}`,
      {
        config: { idempotent: true, etag: true },
        schema: {
          headers: IdempotencyHeaders,
          tags,
          operationId: `create${Noun}`,
          summary: `Register an ${noun}`,
          body: create,
          response: { 201: read, ...problems(400, 409) },
        },
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const body = request.body;
        if ((await deps.stores.projects.get(tenantId, body.project_id)) === undefined)
          throw invalid([issue('/project_id', 'not_in_project', 'No project with this id.')]);
        const now = deps.now();
        const record = {
          id: deps.newId(),
          project_id: body.project_id,
          name: body.name,
          kind: body.kind,
          config: body.config,
          input_schema: body.input_schema ?? null,
          output_schema: body.output_schema ?? null,
          timeout_seconds: body.timeout_seconds ?? null,
          version: 1,
          revision: 1,
          created_at: now,
          updated_at: now,
        };
        await store.create(tenantId, record);
        return reply.code(201).send(withEtag(reply, record, view(record)));
      },
    );

    app.get(
      `/${table}/:id`,
      {
        config: { etag: true },
        schema: {
          tags,
          operationId: `get${Noun}`,
          summary: `Read an ${noun}`,
          params: IdParams,
          response: { 200: read, ...problems(404) },
        },
      },
      async (request, reply) => {
        const found = await store.get(principalOf(request).tenantId, request.params.id);
        if (found === undefined) throw notFound(noun);
        return withEtag(reply, found, view(found));
      },
    );

    app.patch(
      `/${table}/:id`,
      {
        config: { etag: true },
        schema: {
          tags,
          operationId: `update${Noun}`,
          summary: `Change an ${noun} (its version grows when its behaviour changes)`,
          headers: IfMatchHeaders,
          params: IdParams,
          body: update,
          response: { 200: read, ...problems(400, 404, 412) },
        },
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const { id } = request.params;
        const { kind, config } = request.body;
        const expected = expectedRevisions(request.headers['if-match']);
        if (kind !== undefined || config !== undefined) {
          // A new kind or configuration is checked against the other half as stored.
          const current = await store.get(tenantId, id);
          if (current === undefined) throw notFound(noun);
          assertCurrent(expected, current, noun);
          const next = { kind: kind ?? current.kind, config: config ?? current.config };
          const problems = [
            ...checkCalleeConfig(role, next.kind, next.config),
            ...redactedHeaderProblems(next, current),
          ];
          if (problems.length > 0) throw invalid(problems);
        }
        const updated = await store.update(tenantId, id, request.body, deps.now(), expected);
        if (updated === undefined)
          return missingOrStale(expected, () => store.get(tenantId, id), noun);
        return withEtag(reply, updated, view(updated));
      },
    );

    app.delete(
      `/${table}/:id`,
      {
        schema: {
          tags,
          operationId: `delete${Noun}`,
          summary: `Delete an ${noun}`,
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
          return missingOrStale(expected, () => store.get(tenantId, id), noun);
        if (outcome === 'in_use')
          throw new ApiError(409, 'resource_in_use', `A journey still uses this ${noun}.`);
        return reply.code(204).send();
      },
    );
    done();
  };
