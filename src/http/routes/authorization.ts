// /api/v1/authorization: the signed-in user's authorisation of Rota (seed 1 "Authorize"): its
// state, and where the Authorize popup opens (`GET`, no side effects); `DELETE` revokes it.
// Only people have one: a machine client's schedules act for the client itself.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { Authorization } from '../../contract/authorization.ts';
import { NoQuery } from '../../contract/tenant.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { ApiError } from '../problem.ts';
import { NoContent, problems } from '../responses.ts';
import type { FastifyRequest } from 'fastify';

const tags = ['scheduling'];

function userOf(request: FastifyRequest) {
  const principal = principalOf(request);
  if (principal.kind !== 'user')
    throw new ApiError(
      403,
      'forbidden',
      'Only a signed-in user has an authorisation; a machine client’s schedules act for the client.',
    );
  return principal;
}

export const authorizationRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const port = deps.authorization;
  if (port === undefined) return done();

  app.get(
    '/authorization',
    {
      schema: {
        tags,
        operationId: 'getAuthorization',
        summary: 'The signed-in user’s authorisation of Rota, and where to authorise',
        querystring: NoQuery,
        response: { 200: Authorization, ...problems(403) },
      },
    },
    async (request) => {
      const user = userOf(request);
      return port.status(user.tenantId, user.subject);
    },
  );

  app.delete(
    '/authorization',
    {
      schema: {
        tags,
        operationId: 'revokeAuthorization',
        summary: 'Revoke the signed-in user’s authorisation: their schedules’ runs stop acting',
        response: { 204: NoContent, ...problems(403) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      await port.revoke({
        tenantId: user.tenantId,
        kind: 'user',
        id: user.subject,
        ip: request.ip,
      });
      return reply.code(204).send();
    },
  );
  done();
};
