// Stored records rendered as the contract's response shapes: instants as ISO strings.
import { formatInstant } from '../core/instant.ts';
import type {
  CalleeRecord,
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
  config: c.config,
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
