// Audit-trail entries and runs rendered as the contract's shapes: instants as ISO strings,
// targets as `{ type, id }`.
import type {
  AuditEntryRecord,
  RunDetailRecord,
  RunRecord,
  RunTarget,
  TickEntryRecord,
} from '../core/run-records.ts';
import type { TickSkipReason } from '../core/plan-tick.ts';
import { iso, isoOrNull } from './views.ts';

const targetView = (t: RunTarget) => ({ type: t.kind, id: t.id });

export const tickView = (t: TickEntryRecord) => ({
  kind: 'tick' as const,
  id: t.id,
  trigger: t.trigger,
  fire_time: iso(t.fire_time),
  outcome: t.outcome,
  per_tick_budget: t.per_tick_budget,
  tenant_left: t.tenant_left,
  ended_at: isoOrNull(t.ended_at),
  created_at: iso(t.created_at),
  items: t.items.map((i) => ({
    item_id: i.item_id,
    target: i.target === null ? null : targetView(i.target),
    rank: i.rank,
    score: i.score,
    outcome: i.outcome,
    // Written only by the tick planner, from its own reasons.
    reason: i.reason as TickSkipReason | null,
    errors: i.errors === null ? null : i.errors.map((e) => ({ ...e })),
  })),
  runs: t.runs.map((r) => ({ ...r })),
});

export const auditEntryView = (e: AuditEntryRecord) =>
  e.kind === 'tick'
    ? tickView(e)
    : {
        kind: 'missed' as const,
        id: e.id,
        from: iso(e.from),
        to: iso(e.to),
        count: e.count,
        reason: e.reason,
        created_at: iso(e.created_at),
      };

export const runView = (r: RunRecord) => ({
  id: r.id,
  project_id: r.project_id,
  target: targetView(r.target),
  trigger: r.trigger,
  triggered_by: r.triggered_by,
  schedule_id: r.schedule_id,
  tick_id: r.tick_id,
  item_id: r.item_id,
  parameters: r.parameters,
  status: r.status,
  scheduled_for: isoOrNull(r.scheduled_for),
  queued_at: iso(r.queued_at),
  started_at: isoOrNull(r.started_at),
  finished_at: isoOrNull(r.finished_at),
  attempt: r.attempt,
  max_attempts: r.max_attempts,
  agents_spawned: r.agents_spawned,
  usage: r.usage,
  error: r.error === null ? null : { ...r.error },
  created_at: iso(r.created_at),
  updated_at: iso(r.updated_at),
});

export const runDetailView = (r: RunDetailRecord) => ({
  ...runView(r),
  steps: r.steps.map((s) => ({
    id: s.id,
    position: s.position,
    key: s.key,
    name: s.name,
    callee: { ...s.callee },
    status: s.status,
    input: s.input,
    output: s.output,
    error: s.error === null ? null : { ...s.error },
    started_at: isoOrNull(s.started_at),
    finished_at: isoOrNull(s.finished_at),
    logs: s.logs.map((l) => ({ at: iso(l.at), level: l.level, message: l.message })),
  })),
  findings: r.findings.map((f) => ({ ...f, created_at: iso(f.created_at) })),
});
