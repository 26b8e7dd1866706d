// /api/v1/users: a tenant's users, for admins only (SPEC section 7). Creating one is not
// idempotent on purpose: replaying the answer would mean storing the password it may show once.
// A tenant keeps at least one admin (409 last_admin); emails are unique per tenant (409
// email_taken). Deleting or demoting a user ends their sessions, revokes their grants and pauses
// their schedules, which the scheduler then hears of.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { IdParams, page, PageQuery } from '../../contract/common.ts';
import { User, UserCreate, UserCreated, UserUpdate } from '../../contract/users.ts';
import type { AuditActor } from '../../core/audit-actions.ts';
import type { UserRecord } from '../../core/resources.ts';
import type { ApiDeps } from '../api-deps.ts';
import { adminOnly, requireAdmin } from '../authentication.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { ApiError, notFound } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import { iso, isoOrNull } from '../views.ts';

const tags = ['users'];

export const userView = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  tenant_id: u.tenant_id,
  created_at: iso(u.created_at),
  updated_at: iso(u.updated_at),
  last_sign_in_at: isoOrNull(u.last_sign_in_at),
});

function actorOf(request: FastifyRequest): AuditActor {
  const principal = requireAdmin(request);
  return {
    tenantId: principal.tenantId,
    kind: principal.kind,
    id: principal.subject,
    ip: request.ip,
  };
}

const emailTaken = () =>
  new ApiError(409, 'email_taken', 'Another user of this tenant has this email.');
const lastAdmin = () =>
  new ApiError(409, 'last_admin', 'A tenant keeps at least one admin: promote another first.');

export const userRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const users = deps.stores.users;
  const changed = () => deps.onSchedulesChanged?.();

  app.get(
    '/users',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'listUsers',
        summary: 'List the tenant’s users (admins)',
        querystring: PageQuery,
        response: { 200: page(User), ...problems(400, 403) },
      },
    },
    async (request) => {
      const { tenantId } = requireAdmin(request);
      const p = pageRequest(request.query);
      // A tenant has tens of users: page the id-ordered list in memory.
      const all = (await users.list(tenantId)).sort((a, b) => (a.id < b.id ? -1 : 1));
      const after = p.after;
      const rows = (after === undefined ? all : all.filter((u) => u.id > after)).slice(0, p.limit);
      return pageOf(rows, p, userView);
    },
  );

  app.post(
    '/users',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'createUser',
        summary: 'Create a user; a generated password is in this answer only (admins)',
        body: UserCreate,
        response: { 201: UserCreated, ...problems(400, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await users.create(actorOf(request), request.body);
      if (created === 'email_taken') throw emailTaken();
      const { user, generatedPassword } = created;
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          ...userView(user),
          ...(generatedPassword === undefined ? {} : { password: generatedPassword }),
        });
    },
  );

  app.get(
    '/users/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'getUser',
        summary: 'Read a user (admins)',
        params: IdParams,
        response: { 200: User, ...problems(403, 404) },
      },
    },
    async (request) => {
      const { tenantId } = requireAdmin(request);
      const user = await users.get(tenantId, request.params.id);
      if (user === undefined) throw notFound('user');
      return userView(user);
    },
  );

  app.patch(
    '/users/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'updateUser',
        summary: 'Change a user’s email, name, role or password (admins)',
        params: IdParams,
        body: UserUpdate,
        response: { 200: User, ...problems(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const updated = await users.update(actorOf(request), request.params.id, request.body);
      if (updated === undefined) throw notFound('user');
      if (updated === 'email_taken') throw emailTaken();
      if (updated === 'last_admin') throw lastAdmin();
      if (request.body.role === 'member') changed();
      return userView(updated);
    },
  );

  app.delete(
    '/users/:id',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'deleteUser',
        summary: 'Delete a user: their sessions end, grants are revoked, schedules paused (admins)',
        params: IdParams,
        response: { 204: NoContent, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => {
      const removed = await users.remove(actorOf(request), request.params.id);
      if (removed === 'missing') throw notFound('user');
      if (removed === 'last_admin') throw lastAdmin();
      changed();
      return reply.code(204).send();
    },
  );
  done();
};
