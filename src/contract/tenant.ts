// The tenant's settings (`GET|PATCH /tenant`; admins write) and its budget (`GET /budget`):
// today's agents by schedule, what is left, and the last 14 local days (SPEC sections 3 and 6).
import { z } from 'zod';
import { Id, Instant, Name } from './common.ts';
import { RunTarget } from './schedule-runs.ts';

const DailyAgentBudget = z
  .int()
  .min(0)
  .max(1_000_000)
  .nullable()
  .describe('Agents the tenant may spawn per local day; null = unlimited (default 200).');

/** `GET /tenant` and `GET /budget` take no query parameters: unknown ones are refused. */
export const NoQuery = z.object({}).strict();

export const Tenant = z
  .object({
    id: Id,
    name: z.string(),
    timezone: z.string().describe('IANA zone whose midnight starts the budget day.'),
    daily_agent_budget: DailyAgentBudget,
    created_at: Instant,
    updated_at: Instant,
  })
  .meta({ id: 'Tenant' });

export const TenantUpdate = z
  .object({
    name: Name,
    timezone: z.string().max(64).describe('IANA time zone, e.g. Europe/Berlin.'),
    daily_agent_budget: DailyAgentBudget,
  })
  .partial()
  .strict()
  .meta({ id: 'TenantUpdate' });

const Day = z.object({
  date: z.string().describe('Local date, YYYY-MM-DD.'),
  start: Instant,
  end: Instant,
  agents: z.int().describe('Agents spawned by runs queued that day.'),
  runs: z.int(),
});

export const Budget = z
  .object({
    timezone: z.string(),
    daily_agent_budget: DailyAgentBudget,
    today: Day.extend({
      remaining: z.int().nullable().describe('null when the budget is unlimited.'),
      by_schedule: z.array(
        z.object({
          schedule_id: Id.nullable().describe('null: runs started directly (run now, rerun).'),
          name: z.string().nullable(),
          agents: z.int(),
          runs: z.int(),
        }),
      ),
    }),
    history: z.array(Day).describe('The last 14 local days, oldest first, today last.'),
  })
  .meta({ id: 'Budget' });

export const CoverageQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(31).default(14),
    schedule_id: Id.optional().describe('Only this schedule.'),
  })
  .strict();

export const Coverage = z
  .object({
    timezone: z.string(),
    dates: z.array(z.string()).describe('Local dates, oldest first, today last.'),
    schedules: z.array(
      z.object({
        schedule_id: Id,
        name: z.string(),
        items: z.array(
          z.object({
            item_id: Id,
            target: RunTarget,
            runs: z.array(z.int()).describe('Scheduled runs on each of `dates`.'),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'Coverage', description: 'Items × local days: how often each item ran.' });
