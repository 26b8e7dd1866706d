// The caller's tenant (SPEC sections 3, 6 and 7): `GET /tenant` for everyone in it, `PATCH
// /tenant` for admins only (name, daily_agent_budget, timezone), `GET /budget`: today's agents
// by schedule, what is left, and the last 14 local days in the tenant's zone, and
// `GET /budget/coverage`: the items × days heat map of scheduled runs.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import {
  Budget,
  Coverage,
  CoverageQuery,
  NoQuery,
  Tenant,
  TenantUpdate,
} from '../../contract/tenant.ts';
import {
  budgetReport,
  lastLocalDays,
  runsPerItemPerDay,
  BUDGET_HISTORY_DAYS,
} from '../../core/budget-days.ts';
import { civilFromDays, formatCivilDate } from '../../core/civil-date.ts';
import type { TenantRecord } from '../../core/run-records.ts';
import { canonicalTimeZone } from '../../core/time-zone.ts';
import { issue } from '../../core/validation-issue.ts';
import type { ApiDeps } from '../api-deps.ts';
import { adminOnly, principalOf, requireAdmin } from '../authentication.ts';
import { ApiError, invalid, notFound } from '../problem.ts';
import { problems } from '../responses.ts';
import { iso } from '../views.ts';

const tags = ['tenant'];

const tenantView = (t: TenantRecord) => ({
  id: t.id,
  name: t.name,
  timezone: t.timezone,
  daily_agent_budget: t.daily_agent_budget,
  created_at: iso(t.created_at),
  updated_at: iso(t.updated_at),
});

export const tenantRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const { tenantBudget: store } = deps.stores;

  app.get(
    '/tenant',
    {
      schema: {
        tags,
        operationId: 'getTenant',
        summary: 'Read the caller’s tenant',
        querystring: NoQuery,
        response: { 200: Tenant, ...problems(400, 404) },
      },
    },
    async (request) => {
      const found = await store.get(principalOf(request).tenantId);
      if (found === undefined) throw notFound('tenant');
      return tenantView(found);
    },
  );

  app.patch(
    '/tenant',
    {
      onRequest: adminOnly,
      schema: {
        tags,
        operationId: 'updateTenant',
        summary: 'Change the tenant’s name, daily agent budget or time zone (admins)',
        body: TenantUpdate,
        response: { 200: Tenant, ...problems(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const { tenantId } = requireAdmin(request);
      const { timezone, ...rest } = request.body;
      const zone = timezone === undefined ? undefined : canonicalTimeZone(timezone);
      if (timezone !== undefined && zone === undefined)
        throw invalid([
          issue('/timezone', 'invalid_time_zone', `"${timezone}" is not an IANA time zone.`),
        ]);
      const updated = await store.update(tenantId, { ...rest, timezone: zone }, deps.now());
      if (updated === 'name_taken')
        throw new ApiError(409, 'name_taken', 'Another tenant already has this name.');
      if (updated === undefined) throw notFound('tenant');
      return tenantView(updated);
    },
  );

  app.get(
    '/budget',
    {
      schema: {
        tags,
        operationId: 'getBudget',
        summary: 'The tenant’s agent budget: today by schedule, what is left, the last 14 days',
        querystring: NoQuery,
        response: { 200: Budget, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const tenant = await store.get(tenantId);
      if (tenant === undefined) throw notFound('tenant');
      const now = deps.now();
      const since = lastLocalDays(tenant.timezone, now, BUDGET_HISTORY_DAYS)[0]!.start;
      const report = budgetReport({
        timeZone: tenant.timezone,
        dailyAgentBudget: tenant.daily_agent_budget,
        now,
        buckets: await store.spending(tenantId, since),
      });
      const day = ({ date, start, end, agents, runs }: (typeof report.history)[number]) => ({
        date,
        start: iso(start),
        end: iso(end),
        agents,
        runs,
      });
      const names = await store.scheduleNames(
        tenantId,
        report.today.bySchedule.flatMap((s) => (s.scheduleId === null ? [] : [s.scheduleId])),
      );
      return {
        timezone: tenant.timezone,
        daily_agent_budget: tenant.daily_agent_budget,
        today: {
          ...day(report.today),
          remaining: report.today.remaining,
          by_schedule: report.today.bySchedule.map((s) => ({
            schedule_id: s.scheduleId,
            name: s.scheduleId === null ? null : (names.get(s.scheduleId) ?? null),
            agents: s.agents,
            runs: s.runs,
          })),
        },
        history: report.history.map(day),
      };
    },
  );
  app.get(
    '/budget/coverage',
    {
      schema: {
        tags,
        operationId: 'getBudgetCoverage',
        summary: 'Coverage heat map: scheduled runs per item per local day, per schedule',
        querystring: CoverageQuery,
        response: { 200: Coverage, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const tenant = await store.get(tenantId);
      if (tenant === undefined) throw notFound('tenant');
      const { days: count, schedule_id } = request.query;
      const schedules = await store.coverageSchedules(tenantId, schedule_id);
      if (schedule_id !== undefined && schedules.length === 0) throw notFound('schedule');
      const days = lastLocalDays(tenant.timezone, deps.now(), count);
      const rows = runsPerItemPerDay(
        days,
        await store.itemRuns(tenantId, days[0]!.start, schedule_id),
      );
      return {
        timezone: tenant.timezone,
        dates: days.map((day) => formatCivilDate(civilFromDays(day.day))),
        schedules: schedules.map((schedule) => ({
          schedule_id: schedule.id,
          name: schedule.name,
          items: schedule.items.map((item) => ({
            item_id: item.id,
            target: { type: item.target.kind, id: item.target.id },
            runs: rows.get(item.id) ?? days.map(() => 0),
          })),
        })),
      };
    },
  );
  done();
};
