// The owner rule (core/schedule-ownership.ts) as the routes apply it: 403 not_owner.
import {
  mayChangeSchedule,
  type ScheduleChange,
  type ScheduleOwner,
} from '../core/schedule-ownership.ts';
import type { Principal } from './principal.ts';
import { ApiError } from './problem.ts';

export function assertMayChange(
  principal: Principal,
  schedule: ScheduleOwner,
  change: ScheduleChange,
): void {
  if (!mayChangeSchedule(principal, schedule, change))
    throw new ApiError(
      403,
      'not_owner',
      'Only the schedule’s owner may change its items and parameters (admins may pause or delete it).',
    );
}
