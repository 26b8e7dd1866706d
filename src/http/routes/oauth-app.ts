// POST /ai/api/v1/oauth_app/register (seed 1, "Register the OAuth app for scheduling"): an admin
// enables scheduling on behalf of users for the tenant, once; registering again answers the same.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  OAUTH_APP_REGISTERED,
  OAuthAppRegistered,
  OAuthAppRegisterBody,
} from '../../contract/user-scheduling.ts';
import type { ApiDeps } from '../api-deps.ts';
import { adminOnly, requireAdmin } from '../authentication.ts';
import { problems } from '../responses.ts';

export const oauthAppRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  app.post(
    '/oauth_app/register',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['scheduling'],
        operationId: 'registerOAuthApp',
        summary: 'Enable scheduling on behalf of users for the tenant (admins)',
        body: OAuthAppRegisterBody,
        response: { 200: OAuthAppRegistered, ...problems(400, 403) },
      },
    },
    async (request) => {
      const { tenantId } = requireAdmin(request);
      await deps.stores.tenants.enableUserScheduling(tenantId, deps.now());
      return { success: true, message: OAUTH_APP_REGISTERED } as const;
    },
  );
  done();
};
