// GET /api/v1/audit: the tenant's audit log for admins, newest first, cursor-paged, filtered by
// action and actor.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { AuditLogEntry, AuditLogQuery } from '../../contract/audit-log.ts';
import { page } from '../../contract/common.ts';
import type { ApiDeps } from '../api-deps.ts';
import { adminOnly, requireAdmin } from '../authentication.ts';
import { pageOf, pageRequest } from '../pagination.ts';
import { problems } from '../responses.ts';
import { iso } from '../views.ts';

export const auditLogRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  app.get(
    '/audit',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['audit'],
        operationId: 'listAuditLog',
        summary: 'The tenant’s audit log, newest first (admins)',
        querystring: AuditLogQuery,
        response: { 200: page(AuditLogEntry), ...problems(400, 403) },
      },
    },
    async (request) => {
      const { tenantId } = requireAdmin(request);
      const { action, actor_id: actorId, ...paging } = request.query;
      const p = pageRequest(paging);
      const rows = await deps.stores.auditLog.list(tenantId, {
        limit: p.limit - 1,
        ...(p.after === undefined ? {} : { before: p.after }),
        ...(action === undefined ? {} : { action }),
        ...(actorId === undefined ? {} : { actorId }),
      });
      return pageOf(rows, p, (entry) => ({ ...entry, at: iso(entry.at) }));
    },
  );
  done();
};
