// A written tick as the log tells it: which schedule, when, and how many items it selected or
// skipped (its audit trail has the why).
import type { PlannedTick } from '../core/firing-records.ts';
import type { TickTrigger } from '../core/tick-outcome.ts';

export interface TickSummary {
  readonly tickId: string;
  readonly scheduleId: string;
  readonly trigger: TickTrigger;
  readonly fireTime: number;
  readonly selected: number;
  readonly skipped: number;
}

/** A planned tick as its log line tells it. */
export const summariseTick = ({ tick, entries }: PlannedTick): TickSummary => ({
  tickId: tick.id,
  scheduleId: tick.schedule_id,
  trigger: tick.trigger,
  fireTime: tick.fire_time,
  selected: entries.filter((e) => e.outcome === 'selected').length,
  skipped: entries.filter((e) => e.outcome === 'skipped').length,
});
