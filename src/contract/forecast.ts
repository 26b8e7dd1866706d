// The coverage forecast (SPEC section 3, `GET /schedules/{id}/forecast?days=14`): the next ticks
// simulated with the current items, budgets and cadence, and a plain verdict on the window.
import { z } from 'zod';
import { Id, Instant } from './common.ts';

export const ForecastQuery = z
  .object({ days: z.coerce.number().int().min(1).max(31).default(14) })
  .strict();

export const Forecast = z
  .object({
    schedule_id: Id,
    from: Instant,
    to: Instant.describe('The horizon’s end: `days` later, or the last of the first 2,000 ticks.'),
    ticks_limited: z.boolean().describe('Whether the horizon was cut at 2,000 ticks.'),
    coverage_window_hours: z.int(),
    verdict: z.object({
      met: z.boolean(),
      text: z.string().describe('e.g. "every item covered every 4.8 days; window 5 days: met".'),
      required_per_tick: z.int().nullable().describe('Runs per tick the window needs, if short.'),
    }),
    ticks: z.array(
      z.object({
        at: Instant,
        item_ids: z.array(Id).describe('Items this tick would run.'),
        agents: z.int(),
        per_tick_budget: z.int(),
      }),
    ),
    items: z.array(
      z.object({
        item_id: Id,
        runs: z.int(),
        worst_gap_hours: z.number(),
        worst_staleness_ratio: z.number().describe('Above 1: the window is not met for it.'),
        overdue_now: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Forecast' });
