// Stored records rendered as the contract's response shapes: instants as ISO strings.
import type { Cadence } from '../core/cadence.ts';
import { redactCalleeConfig } from '../core/callee-config.ts';
import { formatInstant } from '../core/instant.ts';
import type {
  CalleeRecord,
  ClientRecord,
  JourneyRecord,
  ProjectRecord,
  ScheduleItemRecord,
  TestPlanRecord,
} from '../core/resources.ts';

export const iso = (ms: number): string => formatInstant(ms);
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

const stamps = (r: { readonly created_at: number; readonly updated_at: number }) => ({
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export const projectView = (p: ProjectRecord) => ({ id: p.id, name: p.name, ...stamps(p) });

export const calleeView = <K extends string>(c: CalleeRecord) => ({
  id: c.id,
  project_id: c.project_id,
  name: c.name,
  kind: c.kind as K,
  config: redactCalleeConfig(c.config),
  input_schema: c.input_schema,
  output_schema: c.output_schema,
  timeout_seconds: c.timeout_seconds,
  version: c.version,
  ...stamps(c),
});

export const journeyView = (j: JourneyRecord) => ({
  id: j.id,
  project_id: j.project_id,
  name: j.name,
  description: j.description,
  agent_id: j.agent_id,
  inputs: j.inputs,
  ...stamps(j),
});

export const testPlanView = (t: TestPlanRecord) => ({
  id: t.id,
  project_id: t.project_id,
  name: t.name,
  journey_ids: [...t.journey_ids],
  ...stamps(t),
});

/** An item answers with `journey_id` or `test_plan_id`, by its kind (seed). */
export const itemView = (i: ScheduleItemRecord) => ({
  id: i.id,
  schedule_id: i.schedule_id,
  ...(i.target_kind === 'test_plan' ? { test_plan_id: i.target_id } : { journey_id: i.target_id }),
  priority: i.priority,
  parameters: i.parameters,
  enabled: i.enabled,
  last_run_at: isoOrNull(i.last_run_at),
  ...stamps(i),
});

/** A cadence with its lists copied: the core's are read-only. */
export function cadenceView(cadence: Cadence) {
  const options = {
    timezone: cadence.timezone,
    dst_policy: { ...cadence.dst_policy },
    start_at: cadence.start_at,
    end_at: cadence.end_at,
    jitter_seconds: cadence.jitter_seconds,
  };
  switch (cadence.type) {
    case 'calendar':
      return {
        type: cadence.type,
        frequency: cadence.frequency,
        times: [...cadence.times],
        ...(cadence.days_of_week && { days_of_week: [...cadence.days_of_week] }),
        ...(cadence.days_of_month && { days_of_month: [...cadence.days_of_month] }),
        ...options,
      };
    case 'interval':
      return {
        type: cadence.type,
        tick_interval_hours: cadence.tick_interval_hours,
        run_days: [...cadence.run_days],
        anchor_time: cadence.anchor_time,
        origin_date: cadence.origin_date,
        ...options,
      };
    case 'cron':
      return { type: cadence.type, expression: cadence.expression, ...options };
  }
}

export const clientView = (c: ClientRecord) => ({
  id: c.id,
  client_id: c.client_id,
  name: c.name,
  role: c.role,
  ...stamps(c),
});
