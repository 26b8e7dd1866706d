// Schedules exactly as the second seed has them (coverage window, tick interval, daily budget,
// run days, digest), plus SPEC section 2's cadence. The cadence and digest_config are validated by
// the core (`resolveScheduleCadence`, `parseDigestConfig`), never here: these schemas describe
// shapes. A cadence's validity depends on the instant it is saved (an interval's origin, whether it
// still fires), so the route resolves it once against the server's clock and checks digest_config
// beside it (`digestIssues`), answering both in one 400 as a refinement here would.
import { z } from 'zod';
import { CatchUpPolicy, DEFAULT_CATCHUP_WINDOW_HOURS } from '../core/catch-up.ts';
import { MAX_DIGEST_RECIPIENTS, parseDigestConfig } from '../core/digest-config.ts';
import { DEFAULT_OVERLAP_POLICY, OverlapPolicy } from '../core/overlap-policy.ts';
import { Cadence, CadenceInput } from './cadence.ts';
import type { ValidationIssue } from '../core/validation-issue.ts';
import { Id, Instant, Name, Severity, Timestamps } from './common.ts';
import { ScheduleItem } from './schedule-items.ts';

export const DEFAULT_COVERAGE_WINDOW_HOURS = 120;
export const DEFAULT_TICK_DEADLINE_MINUTES = 60;

const Send = z.enum(['always', 'on_failure']);
const Recipient = z.string().meta({ format: 'email' });

/** A schedule's digest settings as the API answers with them (stored as the request gave them). */
export const DigestConfig = z
  .object({
    enabled: z.boolean(),
    recipients: z.array(Recipient),
    send: Send,
    min_severity: Severity.nullable(),
  })
  .meta({ id: 'DigestConfig', description: 'Email digest settings; null disables digests.' });

/**
 * digest_config in a request: the shape for OpenAPI, while the core's parseDigestConfig checks it
 * (plain addresses without CR/LF, no duplicates, 1 to 50 when enabled) through `digestIssues`, so
 * the API refuses exactly what the mailer would.
 */
export const DigestConfigRequest = z
  .object({
    enabled: z.boolean().default(true),
    recipients: z
      .array(Recipient)
      .meta({ maxItems: MAX_DIGEST_RECIPIENTS, uniqueItems: true })
      .optional()
      .describe('1 to 50 distinct plain addresses (no display names) while enabled.'),
    send: Send.default('always'),
    min_severity: Severity.nullable().default(null),
  })
  .strict()
  .meta({
    id: 'DigestConfigRequest',
    description: 'Email digest settings; null disables digests.',
  });

/** digest_config's issues from the core, pointed into the body; none when it is absent. */
export function digestIssues(value: { readonly digest_config?: unknown }): ValidationIssue[] {
  if (value.digest_config === undefined) return [];
  const parsed = parseDigestConfig(value.digest_config);
  return parsed.ok ? [] : parsed.errors.map((e) => ({ ...e, field: `/digest_config${e.field}` }));
}

/** The seed's top-level cadence fields: with no `cadence` they mean an interval cadence. */
const shorthand = {
  cadence: CadenceInput.optional(),
  tick_interval_hours: z.int().describe('Hours between ticks, 1…8760 (default: 24).').optional(),
  run_days: z
    .array(z.int())
    .describe('ISO day numbers to run on (Mon=1..Sun=7). Default: all days.')
    .optional(),
  anchor_time: z.string().describe('Local "HH:MM" the interval counts from.').optional(),
  timezone: z.string().describe('IANA time zone (default UTC).').optional(),
};

const policies = {
  coverage_window_hours: z
    .int()
    .min(1)
    .max(8760)
    .describe('Hours within which all journeys must run (default: 120)'),
  daily_budget: z
    .int()
    .min(1)
    .max(100_000)
    .nullable()
    .describe('Max test runs per tick (null = auto)'),
  digest_config: DigestConfigRequest.nullable(),
  overlap_policy: z.enum(Object.values(OverlapPolicy) as [OverlapPolicy, ...OverlapPolicy[]]),
  catchup_policy: z.enum(Object.values(CatchUpPolicy) as [CatchUpPolicy, ...CatchUpPolicy[]]),
  catchup_window_hours: z.int().min(1).max(8760),
  tick_deadline_minutes: z.int().min(1).max(1440),
  pause_after_failures: z.int().min(1).max(1000).nullable(),
  enabled: z.boolean(),
  pause_note: z.string().max(1000).nullable(),
};

export const ScheduleCreate = z
  .object({
    project_id: Id,
    name: Name,
    ...shorthand,
    coverage_window_hours: policies.coverage_window_hours.default(DEFAULT_COVERAGE_WINDOW_HOURS),
    daily_budget: policies.daily_budget.default(null),
    digest_config: policies.digest_config.default(null),
    overlap_policy: policies.overlap_policy.default(DEFAULT_OVERLAP_POLICY),
    catchup_policy: policies.catchup_policy.default('latest'),
    catchup_window_hours: policies.catchup_window_hours.default(DEFAULT_CATCHUP_WINDOW_HOURS),
    tick_deadline_minutes: policies.tick_deadline_minutes.default(DEFAULT_TICK_DEADLINE_MINUTES),
    pause_after_failures: policies.pause_after_failures.default(null),
    enabled: policies.enabled.default(true),
    pause_note: policies.pause_note.default(null),
  })
  .strict()
  .meta({ id: 'ScheduleCreate' });

export const ScheduleUpdate = z
  .object({ name: Name, ...shorthand, ...policies })
  .partial()
  .strict()
  .meta({ id: 'ScheduleUpdate' });

export const NextRun = z.object({
  at: Instant,
  local: z.string().describe('Local time with its offset, e.g. 2027-03-14T03:30:00-04:00.'),
  dst: z.enum(['shifted', 'repeated']).nullable(),
});

export const Schedule = z
  .object({
    id: Id,
    project_id: Id,
    name: z.string(),
    cadence: Cadence,
    timezone: z.string(),
    tick_interval_hours: z.int().nullable().describe('null for a calendar or cron cadence.'),
    run_days: z.array(z.int()).describe('ISO weekdays on which the schedule can fire.'),
    anchor_time: z.string().nullable(),
    ...policies,
    digest_config: DigestConfig.nullable(),
    owner: z.object({
      kind: z.enum(['client', 'user']),
      id: z.string().describe('A user’s id, or a machine client’s public `client_id`.'),
      name: z.string().nullable().describe('The user’s or the client’s name; null once gone.'),
    }),
    callee_changes: z
      .array(
        z.object({
          at: Instant,
          callee: z.object({ kind: z.string(), id: z.string() }),
          by: z.object({ kind: z.string(), id: z.string().nullable() }),
          origin: z.string().nullable().describe('Where the agent is called now.'),
        }),
      )
      .describe(
        'The latest changes (up to 5) to the URL of an agent this schedule’s items use: its runs’ on-behalf-of tokens go there.',
      ),
    summary: z.string().describe('The cadence in words, e.g. "Daily at 9:00 AM PST".'),
    next_runs: z.array(NextRun),
    run_count: z.int().describe('Ticks that started at least one run.'),
    last_run: z
      .object({
        at: Instant,
        outcome: z.enum(['succeeded', 'failed', 'cancelled', 'skipped']).nullable(),
      })
      .nullable(),
    last_tick_at: Instant.nullable(),
    next_tick_at: Instant.nullable(),
    items: z.array(ScheduleItem),
    ...Timestamps,
  })
  .meta({ id: 'Schedule' });

export const ScheduleListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(512).optional(),
    project_id: Id.optional(),
  })
  .strict();
