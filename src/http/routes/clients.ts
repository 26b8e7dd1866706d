// /api/v1/clients: a tenant's OAuth machine clients, for admins only. Creating one is not
// idempotent on purpose: replaying the answer would mean storing the secret it shows once.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdParams, page, PageQuery } from '../../contract/common.ts';
import { Client, ClientCreate, ClientCreated } from '../../contract/clients.ts';
import type { ApiDeps } from '../api-deps.ts';
import { adminOnly, requireAdmin } from '../authentication.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { clientView } from '../views.ts';

const tags = ['clients'];

export const clientRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const clients = deps.stores.clients;

  app.get(
    '/clients',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'listClients',
        summary: 'List the tenant’s OAuth clients (admins)',
        querystring: PageQuery,
        response: { 200: page(Client), ...problems(400, 403) },
      },
    },
    async (request) => {
      const { tenantId } = requireAdmin(request);
      const p = pageRequest(request.query);
      // A tenant has a handful of clients: page the id-ordered list in memory.
      const all = (await clients.list(tenantId)).sort((a, b) => (a.id < b.id ? -1 : 1));
      const after = p.after;
      const rows = (after === undefined ? all : all.filter((c) => c.id > after)).slice(0, p.limit);
      return pageOf(rows, p, clientView);
    },
  );

  app.post(
    '/clients',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'createClient',
        summary: 'Create an OAuth client; its secret is in this answer only (admins)',
        body: ClientCreate,
        response: { 201: ClientCreated, ...problems(400, 403) },
      },
    },
    async (request, reply) => {
      const { tenantId } = requireAdmin(request);
      const { client, clientSecret } = await clients.create(tenantId, request.body);
      return reply.code(201).send({ ...clientView(client), client_secret: clientSecret });
    },
  );

  app.delete(
    '/clients/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'deleteClient',
        summary: 'Delete an OAuth client: its tokens stop verifying at once (admins)',
        params: IdParams,
        response: { 204: NoContent, ...problems(403, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId } = requireAdmin(request);
      if (!(await clients.remove(tenantId, request.params.id))) throw notFound('client');
      return reply.code(204).send();
    },
  );
  done();
};
