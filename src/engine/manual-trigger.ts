// The manual trigger (SPEC section 3): a tick now, through the same selection as a scheduled
// one, also while the schedule is paused, without moving its regular cadence. main.ts hands this
// to the API as its engine port; the API checks the tenant before calling it.
import { compileCadence } from '../core/next-fire-times.ts';
import { tickOnce, type SchedulerDeps } from './scheduler-pass.ts';
import type { TickSummary } from './tick-summary.ts';

export interface ManualTrigger {
  /** The new tick's id, or undefined when the schedule no longer exists. */
  trigger(scheduleId: string, now: number): Promise<string | undefined>;
}

/** `onTick` hears of each tick written (for the log and `rota_ticks_total{trigger="manual"}`). */
export function manualTrigger(
  deps: SchedulerDeps,
  onTick?: (tick: TickSummary) => void,
): ManualTrigger {
  return {
    async trigger(scheduleId, now) {
      const cadence = await deps.store.readCadence(scheduleId);
      if (cadence === undefined) return undefined;
      const compiled = compileCadence(cadence);
      const { tickId, summary } = await tickOnce(deps, scheduleId, compiled, now, 'manual', now);
      if (summary !== null) onTick?.(summary);
      return tickId ?? undefined;
    },
  };
}
