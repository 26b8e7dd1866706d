// Who may change a schedule (SPEC section 7, issue 13 "Acting on behalf"): a user-owned schedule
// acts for its owner, so only the owner may change what it runs and how (its items, parameters,
// cadence, settings); an admin may still pause or delete it. A client-owned schedule is the
// tenant's, changed by anyone who may write.
import type { Principal } from './principal.ts';

/** What a change does to a schedule: a pause (turning it off, with a note), a deletion, or any other change. */
export type ScheduleChange = 'pause' | 'delete' | 'other';

export interface ScheduleOwner {
  readonly owner_kind: 'client' | 'user';
  readonly owner_id: string;
}

export function mayChangeSchedule(
  principal: Principal,
  schedule: ScheduleOwner,
  change: ScheduleChange,
): boolean {
  if (schedule.owner_kind !== 'user') return true;
  if (principal.kind === 'user' && principal.subject === schedule.owner_id) return true;
  return principal.role === 'admin' && change !== 'other';
}

/** A PATCH body that only turns the schedule off (and perhaps says why) is a pause. */
export const isPause = (body: Readonly<Record<string, unknown>>): boolean =>
  body.enabled === false &&
  Object.entries(body).every(
    ([key, value]) => value === undefined || key === 'enabled' || key === 'pause_note',
  );
