// Runs (SPEC section 4): one execution of a journey or test plan, with its steps, each step's log
// lines, and the findings agents reported. Lists are newest first; `POST /runs` and rerun start
// one now, outside any tick, counted in the tenant's agents.
import { z } from 'zod';
import { RUN_STATUSES, RunTrigger, type RunStatus as Status } from '../core/run-state.ts';
import { Id, Instant, JsonObject, Severity } from './common.ts';
import { RunTarget } from './schedule-runs.ts';

const RunStatus = z.enum(RUN_STATUSES as [Status, ...Status[]]);
const Trigger = z.enum(Object.values(RunTrigger) as [RunTrigger, ...RunTrigger[]]);

export const RunListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(512).optional().describe('The next_cursor of the previous page.'),
    schedule_id: Id.optional().describe('Only this schedule’s runs.'),
    status: RunStatus.optional(),
    trigger: Trigger.optional(),
  })
  .strict();

export const RunCreate = z
  .object({
    target: z
      .object({ type: z.enum(['journey', 'test_plan']), id: Id })
      .strict()
      .describe('The journey or test plan to run now.'),
    parameters: JsonObject.default({}).describe('Runtime parameters, over the target’s inputs.'),
  })
  .strict()
  .meta({ id: 'RunCreate' });

export const Run = z
  .object({
    id: Id,
    project_id: Id,
    target: RunTarget,
    trigger: Trigger,
    triggered_by: z.string().nullable().describe('The client or user who started it.'),
    schedule_id: Id.nullable(),
    tick_id: Id.nullable(),
    item_id: Id.nullable(),
    parameters: JsonObject,
    status: RunStatus,
    scheduled_for: Instant.nullable(),
    queued_at: Instant,
    started_at: Instant.nullable(),
    finished_at: Instant.nullable(),
    attempt: z.int(),
    max_attempts: z.int(),
    agents_spawned: z.int(),
    usage: z.unknown().describe('Tokens and cost, when an executor reports them.'),
    error: z
      .object({ code: z.string(), message: z.string().nullable(), step: z.string().nullable() })
      .nullable(),
    created_at: Instant,
    updated_at: Instant,
  })
  .meta({ id: 'Run' });

// Step and finding ids derive from the run's (`<run id>:<position>`), so they are no UUIDs.
const DerivedId = z.string();

export const RunStep = z
  .object({
    id: DerivedId,
    position: z.int(),
    key: z.string().describe('The step’s id within its flow, journey or test plan.'),
    name: z.string(),
    callee: z.object({ kind: z.enum(['agent', 'tool']), id: Id.nullable() }),
    status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled', 'skipped']),
    input: z.unknown(),
    output: z.unknown(),
    error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    started_at: Instant.nullable(),
    finished_at: Instant.nullable(),
    logs: z.array(
      z.object({
        at: Instant,
        level: z.enum(['debug', 'info', 'warn', 'error']),
        message: z.string(),
      }),
    ),
  })
  .meta({ id: 'RunStep' });

export const Finding = z
  .object({
    id: DerivedId,
    step_id: DerivedId.nullable(),
    severity: Severity,
    title: z.string(),
    detail: z.string().nullable(),
    created_at: Instant,
  })
  .meta({ id: 'Finding' });

export const RunDetail = Run.extend({ steps: z.array(RunStep), findings: z.array(Finding) }).meta({
  id: 'RunDetail',
});
