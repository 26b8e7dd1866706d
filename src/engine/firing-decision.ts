// What firing one due schedule comes to, decided before anything is written: the fire times up
// to now that are ticked (on time or caught up) or recorded missed, where the schedule moves next,
// and an on-time tick's jittered dispatch. Pure but for the ids it is handed.
import type { Cadence } from '../core/cadence.ts';
import { decideCatchUp, type MissedRange } from '../core/catch-up.ts';
import type { ScheduleAdvance, TickContext } from '../core/firing-records.ts';
import { jitterDelayMs } from '../core/jitter.ts';
import {
  compileCadence,
  fireTimesBetween,
  nextFireTime,
  type CompiledCadence,
} from '../core/next-fire-times.ts';
import type { TickTrigger } from '../core/tick-outcome.ts';

/** A cadence compiled once per batch however many schedules share it. */
export interface Compiled {
  readonly cadence: Cadence;
  readonly compiled: CompiledCadence;
}

/** What firing one schedule comes to, decided before anything is written. */
export interface Firing {
  readonly context: TickContext;
  readonly cadence: Cadence;
  readonly compiled: CompiledCadence;
  readonly toTick: readonly { readonly at: number; readonly trigger: TickTrigger }[];
  readonly advance: ScheduleAdvance;
}

/** Which fire times up to `now` are ticked, which are missed, and where the schedule goes next. */
export function decideFiring(
  newId: () => string,
  context: TickContext,
  now: number,
  compiledCache: Map<Cadence, Compiled>,
): Firing {
  const { schedule } = context;
  let cached = compiledCache.get(schedule.cadence);
  if (cached === undefined) {
    const { cadence } = schedule;
    cached = { cadence, compiled: compileCadence(cadence) };
    compiledCache.set(cadence, cached);
  }
  const { cadence, compiled } = cached;
  const first = schedule.next_fire_at as number;
  const due = [first, ...fireTimesBetween(compiled, first, now)];
  const decision = decideCatchUp({
    now,
    dueFireTimes: due,
    policy: schedule.catchup_policy,
    windowHours: schedule.catchup_window_hours,
    reason: 'downtime',
  });
  const toTick = [
    ...decision.catchUp.map((at) => ({ at, trigger: 'catchup' as const })),
    ...decision.onTime.map((at) => ({ at, trigger: 'schedule' as const })),
  ].sort((a, b) => a.at - b.at);
  const next = nextFireTime(compiled, Math.max(now, due[due.length - 1] ?? now))?.at ?? null;
  return {
    context,
    cadence,
    compiled,
    toTick,
    advance: {
      scheduleId: schedule.id,
      from: first,
      to: next,
      missed: decision.missed.map((range: MissedRange) => ({
        id: newId(),
        tenant_id: schedule.tenant_id,
        schedule_id: schedule.id,
        from_time: range.from,
        to_time: range.to,
        count: range.count,
        reason: range.reason,
        recorded_at: now,
      })),
    },
  };
}

/**
 * An on-time tick's dispatch: its fire time plus the schedule's stable jitter (SPEC section 2),
 * kept below the gap to the next fire time; null when the cadence has no jitter.
 */
export function jitteredDispatch(firing: Firing, at: number): number | null {
  const seconds = firing.cadence.jitter_seconds;
  if (!(seconds > 0)) return null;
  const next = nextFireTime(firing.compiled, at)?.at;
  return at + jitterDelayMs(firing.context.schedule.id, at, seconds, next);
}
