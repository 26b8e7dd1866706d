// A schedule as the API shows it: the stored settings, the seed's fields read back from the
// cadence, the core's summary and next fire times, what it has done, and its items.
import { cadenceRunDays } from '../core/cadence-run-days.ts';
import { previewNormalised } from '../core/cadence-preview.ts';
import { MS_PER_DAY } from '../core/civil-date.ts';
import type { ScheduleRecord } from '../core/resources.ts';
import type { SchedulePort } from './ports.ts';
import { cadenceView, iso, isoOrNull, itemView } from './views.ts';

export const NEXT_RUNS_SHOWN = 5;

export async function scheduleView(
  schedule: ScheduleRecord,
  store: SchedulePort,
  tenantId: string,
  now: number,
) {
  const owner = { kind: schedule.owner_kind, id: schedule.owner_id };
  const [activity, items, ownerName, calleeChanges] = await Promise.all([
    store.activity(tenantId, schedule.id),
    store.items(tenantId, schedule.id),
    store.ownerName(tenantId, owner),
    store.calleeChanges(tenantId, schedule.id),
  ]);
  const { cadence } = schedule;
  const preview = previewNormalised(cadence, now, NEXT_RUNS_SHOWN);
  return {
    id: schedule.id,
    project_id: schedule.project_id,
    name: schedule.name,
    cadence: cadenceView(cadence),
    timezone: cadence.timezone,
    tick_interval_hours: cadence.type === 'interval' ? cadence.tick_interval_hours : null,
    run_days: cadenceRunDays(cadence, Math.floor(now / MS_PER_DAY)),
    anchor_time: cadence.type === 'interval' ? cadence.anchor_time : null,
    coverage_window_hours: schedule.coverage_window_hours,
    daily_budget: schedule.daily_budget,
    digest_config:
      schedule.digest_config === null
        ? null
        : { ...schedule.digest_config, recipients: [...schedule.digest_config.recipients] },
    overlap_policy: schedule.overlap_policy,
    catchup_policy: schedule.catchup_policy,
    catchup_window_hours: schedule.catchup_window_hours,
    tick_deadline_minutes: schedule.tick_deadline_minutes,
    pause_after_failures: schedule.pause_after_failures,
    enabled: schedule.enabled,
    pause_note: schedule.pause_note,
    owner: { ...owner, name: ownerName },
    // Where its runs' on-behalf-of tokens now go, when an agent it uses moved lately.
    callee_changes: calleeChanges.map((change) => ({
      at: iso(change.at),
      callee: change.callee,
      by: change.by,
      origin: change.origin,
    })),
    summary: preview.summary,
    // A paused schedule has no fire times (SPEC section 3).
    next_runs: schedule.enabled ? preview.next_runs.map((run) => ({ ...run })) : [],
    run_count: activity.run_count,
    last_run:
      activity.last_tick === null
        ? null
        : { at: iso(activity.last_tick.at), outcome: activity.last_tick.outcome },
    last_tick_at: isoOrNull(schedule.last_tick_at),
    next_tick_at: isoOrNull(schedule.next_fire_at),
    items: items.map(itemView),
    created_at: iso(schedule.created_at),
    updated_at: iso(schedule.updated_at),
  };
}
