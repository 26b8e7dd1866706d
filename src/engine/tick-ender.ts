// Closes ticks: fails runs left queued past their tick's deadline, then gives every tick whose
// runs have all ended its outcome (core/tick-outcome.ts) and moves its schedule's failure streak;
// the digest of every ended tick is decided too, also of those written ended (no run started).
import { nextFailureStreak } from '../core/failure-streak.ts';
import { tickOutcome } from '../core/tick-outcome.ts';
import type { Database } from '../storage/database.ts';
import { queueDigestsOfEndedTicks } from '../storage/digest-store.ts';
import { endTick, failRunsPastDeadline, openTicks } from '../storage/tick-end-store.ts';

export interface EndedTicks {
  readonly pastDeadline: number;
  readonly ended: number;
}

export async function endTicks(
  database: Database,
  now: number,
  batchSize = 500,
): Promise<EndedTicks> {
  const pastDeadline = await failRunsPastDeadline(database, now);
  let ended = 0;
  for (const tick of await openTicks(database, batchSize)) {
    const outcome = tickOutcome(tick.statuses);
    if (outcome === undefined) continue;
    const schedule = await database.db
      .selectFrom('schedules')
      .select('pause_after_failures')
      .where('id', '=', tick.scheduleId)
      .executeTakeFirst();
    const pauseAfter = schedule?.pause_after_failures ?? null;
    const done = await endTick(database, {
      tickId: tick.id,
      scheduleId: tick.scheduleId,
      outcome,
      now,
      streak: (failures) => nextFailureStreak(failures, outcome, pauseAfter),
    });
    if (done) ended++;
  }
  await queueDigestsOfEndedTicks(database, now, batchSize);
  return { pastDeadline, ended };
}
