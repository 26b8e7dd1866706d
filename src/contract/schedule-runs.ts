// A schedule's audit trail (seed 2: `GET /schedules/{id}/runs`, "schedule runs" = ticks) and the
// manual trigger's answer: every tick with each candidate's decision and the runs it started, and
// every missed fire time, so that each fire time is accounted for (SPEC section 3).
import { z } from 'zod';
import { TickSkipReason } from '../core/plan-tick.ts';
import { RUN_STATUSES, type RunStatus } from '../core/run-state.ts';
import { TickOutcome, TickTrigger } from '../core/tick-outcome.ts';
import { Id, Instant } from './common.ts';

const values = <T extends string>(o: Readonly<Record<string, T>>) =>
  Object.values(o) as [T, ...T[]];

export const RunTarget = z
  .object({ type: z.enum(['journey', 'test_plan', 'flow']), id: Id })
  .meta({ id: 'RunTarget', description: 'What a run executes.' });

export const TickItemDecision = z
  .object({
    item_id: Id,
    target: RunTarget.nullable().describe('null once the item was removed from the schedule.'),
    rank: z.int().nullable().describe('1-based place in the selection order; null: no candidate.'),
    score: z.number().nullable().describe('staleness × 2^(priority/10); null for never-run items.'),
    outcome: z.enum(['selected', 'skipped']),
    reason: z
      .enum(values(TickSkipReason))
      .nullable()
      .describe('Why a candidate was skipped; null when selected.'),
    errors: z
      .array(z.object({ code: z.string(), message: z.string() }))
      .nullable()
      .describe('Why the target did not validate (reason invalid_target).'),
  })
  .meta({ id: 'TickItemDecision' });

export const TickRunSummary = z.object({
  id: Id,
  item_id: Id.nullable(),
  status: z.enum(RUN_STATUSES as [RunStatus, ...RunStatus[]]),
  error_code: z.string().nullable(),
});

export const TickEntry = z
  .object({
    kind: z.literal('tick'),
    id: Id,
    trigger: z.enum(values(TickTrigger)),
    fire_time: Instant.describe('The nominal fire time; for a manual tick, when it was triggered.'),
    outcome: z
      .enum(values(TickOutcome))
      .nullable()
      .describe('null while the tick’s runs have not all ended.'),
    per_tick_budget: z.int().describe('Runs this tick could start.'),
    tenant_left: z.int().nullable().describe('Agents the tenant had left today; null: unlimited.'),
    ended_at: Instant.nullable(),
    created_at: Instant,
    items: z.array(TickItemDecision),
    runs: z.array(TickRunSummary),
  })
  .meta({ id: 'Tick', description: 'One firing of a schedule (seed: a "schedule run").' });

export const MissedEntry = z
  .object({
    kind: z.literal('missed'),
    id: Id,
    from: Instant.describe('The first fire time missed.'),
    to: Instant.describe('The last fire time missed.'),
    count: z.int().describe('Fire times from `from` to `to`.'),
    reason: z.enum(['downtime', 'outside_catchup_window', 'clock_jump']),
    created_at: Instant,
  })
  .meta({ id: 'MissedFireTimes', description: 'Fire times no tick covers, and why.' });

export const AuditEntry = z
  .discriminatedUnion('kind', [TickEntry, MissedEntry])
  .meta({ id: 'AuditEntry' });
