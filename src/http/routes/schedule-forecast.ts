// `GET /schedules/{id}/forecast?days=14` (SPEC section 3): the core's coverage simulation over the
// schedule's current items, last runs, budgets and cadence, with the tenant's spend so far today.
// A paused schedule has no fire times, so its forecast says it does not fire.
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { IdParams } from '../../contract/common.ts';
import { Forecast, ForecastQuery } from '../../contract/forecast.ts';
import { MS_PER_DAY, MS_PER_HOUR } from '../../core/civil-date.ts';
import { forecastCoverage } from '../../core/coverage-forecast.ts';
import { compileCadence, fireTimesBetween } from '../../core/next-fire-times.ts';
import { tenantDay } from '../../core/tenant-day.ts';
import type { ApiDeps } from '../api-deps.ts';
import { principalOf } from '../authentication.ts';
import { notFound } from '../problem.ts';
import { problems } from '../responses.ts';
import { iso } from '../views.ts';

// The auto budget's K looks 28 days past each tick (core/tick-budget.ts).
const K_LOOKAHEAD_MS = 28 * MS_PER_DAY;
// A per-minute cadence has 20,160 ticks in 14 days, seconds of simulation: the horizon ends at
// this many ticks, so that one request cannot hold the event loop that long.
export const MAX_FORECAST_TICKS = 2_000;

export const scheduleForecastRoutes: FastifyPluginCallbackZod<ApiDeps> = (app, deps, done) => {
  const { schedules, tenantBudget: tenants } = deps.stores;

  app.get(
    '/schedules/:id/forecast',
    {
      schema: {
        tags: ['schedules'],
        operationId: 'getScheduleForecast',
        summary: 'Coverage forecast: the next ticks simulated, and whether the window is met',
        params: IdParams,
        querystring: ForecastQuery,
        response: { 200: Forecast, ...problems(400, 404) },
      },
    },
    async (request) => {
      const { tenantId } = principalOf(request);
      const schedule = await schedules.get(tenantId, request.params.id);
      const tenant = await tenants.get(tenantId);
      if (schedule === undefined || tenant === undefined) throw notFound('schedule');
      const now = deps.now();
      const { days } = request.query;
      const windowMs = schedule.coverage_window_hours * MS_PER_HOUR;
      const fireTimes = schedule.enabled
        ? fireTimesBetween(
            compileCadence(schedule.cadence),
            now - windowMs - 1,
            now + days * MS_PER_DAY + K_LOOKAHEAD_MS + windowMs,
          )
        : [];
      const costs = await tenants.itemCosts(tenantId, schedule.id);
      // Items whose target is gone are never candidates (they are skipped as invalid_target).
      const items = (await schedules.items(tenantId, schedule.id)).flatMap((item) => {
        const cost = costs.get(item.id);
        return cost === null || cost === undefined
          ? []
          : [
              {
                id: item.id,
                priority: item.priority,
                lastRunAt: item.last_run_at,
                createdAt: item.created_at,
                agentCost: cost,
                enabled: item.enabled,
              },
            ];
      });
      const upcoming = fireTimes.filter((t) => t > now && t <= now + days * MS_PER_DAY);
      const limited = upcoming.length > MAX_FORECAST_TICKS;
      const horizonMs = limited
        ? (upcoming[MAX_FORECAST_TICKS - 1] as number) - now
        : days * MS_PER_DAY;
      const today = tenantDay(tenant.timezone, now);
      const usedToday = (await tenants.spending(tenantId, today.start)).reduce(
        (sum, bucket) => sum + bucket.agents,
        0,
      );
      const forecast = forecastCoverage({
        now,
        days: horizonMs / MS_PER_DAY,
        fireTimes,
        items,
        coverageWindowHours: schedule.coverage_window_hours,
        dailyBudget: schedule.daily_budget,
        tenant: {
          dailyAgentBudget: tenant.daily_agent_budget,
          usedToday,
          dayOf: (ms) => tenantDay(tenant.timezone, ms).day,
        },
      });
      return {
        schedule_id: schedule.id,
        from: iso(now),
        to: iso(now + horizonMs),
        ticks_limited: limited,
        coverage_window_hours: schedule.coverage_window_hours,
        verdict: {
          met: forecast.verdict.met,
          text: forecast.verdict.text,
          required_per_tick: forecast.verdict.requiredPerTick ?? null,
        },
        ticks: forecast.ticks.map((tick) => ({
          at: iso(tick.at),
          item_ids: [...tick.selected],
          agents: tick.agents,
          per_tick_budget: tick.perTick,
        })),
        items: forecast.items.map((item) => ({
          item_id: item.itemId,
          runs: item.runs,
          worst_gap_hours: item.worstGapHours,
          worst_staleness_ratio: item.worstStalenessRatio,
          overdue_now: item.overdueNow,
        })),
      };
    },
  );
  done();
};
