// A cadence as the API answers with it: the normalised shape the core's parseCadence returns
// (SPEC section 2). Requests take any JSON object and leave its validation to the core.
import { z } from 'zod';
import { Instant, JsonObject } from './common.ts';

const options = {
  timezone: z.string().describe('IANA time zone.'),
  dst_policy: z.object({ gap: z.enum(['shift', 'skip']), fold: z.enum(['first', 'both']) }),
  start_at: Instant.nullable(),
  end_at: Instant.nullable(),
  jitter_seconds: z.int(),
};

export const Cadence = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('calendar'),
      frequency: z.enum(['daily', 'weekly', 'monthly']),
      times: z.array(z.string()),
      days_of_week: z.array(z.int()).optional(),
      days_of_month: z.array(z.int()).optional(),
      ...options,
    }),
    z.object({
      type: z.literal('interval'),
      tick_interval_hours: z.int(),
      run_days: z.array(z.int()),
      anchor_time: z.string(),
      origin_date: z.string().describe('Local date the interval counts from.'),
      ...options,
    }),
    z.object({ type: z.literal('cron'), expression: z.string(), ...options }),
  ])
  .meta({ id: 'Cadence', description: 'A normalised cadence, with its resolved origin.' });

export const CadenceInput = JsonObject.describe(
  'A cadence (SPEC section 2): { type: calendar | interval | cron, …, timezone, dst_policy }.',
);
