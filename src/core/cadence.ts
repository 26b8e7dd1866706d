// The cadence: when a schedule fires (SPEC section 2). These are the normalised shapes the API
// returns and stores; `parseCadence` (cadence-parse.ts) turns raw input into them.

export const CadenceType = {
  calendar: 'calendar',
  interval: 'interval',
  cron: 'cron',
} as const;
export type CadenceType = (typeof CadenceType)[keyof typeof CadenceType];

export const Frequency = {
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
} as const;
export type Frequency = (typeof Frequency)[keyof typeof Frequency];

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const ALL_DAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

export const GapPolicy = { shift: 'shift', skip: 'skip' } as const;
export type GapPolicy = (typeof GapPolicy)[keyof typeof GapPolicy];

export const FoldPolicy = { first: 'first', both: 'both' } as const;
export type FoldPolicy = (typeof FoldPolicy)[keyof typeof FoldPolicy];

/** How fixed-time cadences treat local times that do not exist (gap) or occur twice (fold). */
export interface DstPolicy {
  readonly gap: GapPolicy;
  readonly fold: FoldPolicy;
}

export const DEFAULT_DST_POLICY: DstPolicy = { gap: 'shift', fold: 'first' };
export const DEFAULT_TIME_ZONE = 'UTC';
export const DEFAULT_TICK_INTERVAL_HOURS = 24;
export const MAX_TICK_INTERVAL_HOURS = 8760;
export const MAX_JITTER_SECONDS = 3600;

interface CadenceOptions {
  /** Canonical IANA time zone name. */
  readonly timezone: string;
  readonly dst_policy: DstPolicy;
  /** Inclusive bounds, UTC ISO-8601 with `Z`, or null. */
  readonly start_at: string | null;
  readonly end_at: string | null;
  /** 0…3600: a stable per-tick dispatch delay; fire times stay nominal. */
  readonly jitter_seconds: number;
}

export interface CalendarCadence extends CadenceOptions {
  readonly type: 'calendar';
  readonly frequency: Frequency;
  /** Sorted, distinct `HH:MM` local times. */
  readonly times: readonly string[];
  /** Weekly only: sorted, distinct ISO weekdays. */
  readonly days_of_week?: readonly IsoWeekday[];
  /** Monthly only: sorted, distinct days 1…31, or -1 for the last day of the month. */
  readonly days_of_month?: readonly number[];
}

export interface IntervalCadence extends CadenceOptions {
  readonly type: 'interval';
  /** 1…8760. */
  readonly tick_interval_hours: number;
  /** Sorted, distinct ISO weekdays on whose local dates it may fire. */
  readonly run_days: readonly IsoWeekday[];
  /** Local `HH:MM` of the origin. */
  readonly anchor_time: string;
  /** Local `YYYY-MM-DD` of the origin: fire times are origin + k × interval, k ≥ 0. */
  readonly origin_date: string;
}

export interface CronCadence extends CadenceOptions {
  readonly type: 'cron';
  /** As given (trimmed): 5 fields or an `@` shorthand. */
  readonly expression: string;
}

export type Cadence = CalendarCadence | IntervalCadence | CronCadence;

/** Whether an interval of this many hours is counted in local days, local hours, or elapsed time. */
export type IntervalMode = 'days' | 'hours_of_day' | 'elapsed';

export function intervalMode(hours: number): IntervalMode {
  if (hours % 24 === 0) return 'days';
  if (24 % hours === 0) return 'hours_of_day';
  return 'elapsed';
}
