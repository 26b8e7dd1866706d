// Closes ticks: fails runs left queued past their tick's deadline, then gives every tick whose
// runs have all ended its outcome (core/tick-outcome.ts) and moves its schedule's failure streak;
// the digest of every ended tick is decided too, also of those written ended (no run started).
import { nextFailureStreak } from '../core/failure-streak.ts';
import { tickOutcome } from '../core/tick-outcome.ts';
import type { TickEndStore } from './scheduler-store.ts';

export interface EndedTicks {
  readonly pastDeadline: number;
  readonly ended: number;
}

export async function endTicks(
  store: TickEndStore,
  now: number,
  batchSize = 500,
): Promise<EndedTicks> {
  const pastDeadline = await store.failRunsPastDeadline(now);
  let ended = 0;
  for (const tick of await store.openTicks(batchSize)) {
    const outcome = tickOutcome(tick.statuses);
    if (outcome === undefined) continue;
    const pauseAfter = await store.pauseAfterFailures(tick.scheduleId);
    const done = await store.endTick({
      tickId: tick.id,
      scheduleId: tick.scheduleId,
      outcome,
      now,
      streak: (failures) => nextFailureStreak(failures, outcome, pauseAfter),
    });
    if (done) ended++;
  }
  await store.queueDigestsOfEndedTicks(now, batchSize);
  return { pastDeadline, ended };
}
