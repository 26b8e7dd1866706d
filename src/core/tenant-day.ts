// The tenant's budget day (SPEC section 3 step 2): agents spawned count from local midnight in
// the tenant's time zone. Where midnight does not exist (clocks jump 00:00 → 01:00, as in
// America/Santiago), the day starts at the first instant that does.
import { MS_PER_DAY } from './civil-date.ts';
import { LocalKind, zoneRules } from './time-zone.ts';

export const DEFAULT_DAILY_AGENT_BUDGET = 200;

export interface TenantDay {
  /** Local epoch day (1970-01-01 = 0) in the tenant's zone: a stable key for "today". */
  readonly day: number;
  /** First instant of the local day. */
  readonly start: number;
  /** First instant of the next local day (exclusive end). */
  readonly end: number;
}

const scratch = new Float64Array(2);

function startOfLocalDay(timeZone: string, day: number, around: number): number {
  const kind = zoneRules(timeZone, around).resolveLocal(day * MS_PER_DAY, scratch);
  // A day whose midnight falls in a gap starts at the transition; in a fold, at the first pass.
  return (kind === LocalKind.gap ? scratch[1] : scratch[0]) as number;
}

/** The tenant-local day containing an instant, with its bounds. */
export function tenantDay(timeZone: string, instant: number): TenantDay {
  const rules = zoneRules(timeZone, instant);
  const day = Math.floor((instant + rules.offsetAt(instant)) / MS_PER_DAY);
  return {
    day,
    start: startOfLocalDay(timeZone, day, instant),
    end: startOfLocalDay(timeZone, day + 1, instant),
  };
}

/** Agents the tenant may still spawn today: never negative; null budget = unlimited. */
export const tenantLeft = (dailyAgentBudget: number | null, spentToday: number): number | null =>
  dailyAgentBudget === null ? null : Math.max(0, dailyAgentBudget - spentToday);
