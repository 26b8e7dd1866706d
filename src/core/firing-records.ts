// The records the scheduler reads and writes, as the stores hand them over and take them back:
// JSON already parsed, flags as booleans, instants as epoch milliseconds. Types only; the
// engine's ports (engine/scheduler-store.ts) speak them and storage turns them into rows.
import type { Cadence } from './cadence.ts';
import type { CatchUpPolicy, MissedRange } from './catch-up.ts';
import type { OverlapPolicy } from './overlap-policy.ts';
import type { TickEntry } from './plan-tick.ts';
import type { TickOutcome, TickTrigger } from './tick-outcome.ts';

/** A schedule as the scheduler fires it: its cadence parsed once, where it was read. */
export interface FiringSchedule {
  readonly id: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly cadence: Cadence;
  readonly coverage_window_hours: number;
  readonly daily_budget: number | null;
  readonly overlap_policy: OverlapPolicy;
  readonly catchup_policy: CatchUpPolicy;
  readonly catchup_window_hours: number;
  readonly tick_deadline_minutes: number;
  readonly owner_kind: 'client' | 'user';
  /** The user's id, or the machine client's client id. */
  readonly owner_id: string;
  readonly next_fire_at: number | null;
}

export interface FiringTenant {
  readonly id: string;
  readonly timezone: string;
  /** null = unlimited. */
  readonly daily_agent_budget: number | null;
}

export interface FiringItem {
  readonly id: string;
  readonly target_kind: 'journey' | 'test_plan' | 'flow';
  readonly target_id: string;
  readonly priority: number;
  /** The item's run parameters as stored (JSON text), handed on to its runs unread. */
  readonly parameters: string;
  readonly enabled: boolean;
  readonly last_run_at: number | null;
  readonly created_at: number;
}

export interface ItemState {
  readonly item: FiringItem;
  /** The item's newest queued or running run, which makes the next one overlap. */
  readonly liveRunId: string | null;
  /** A queued run already waiting behind a live one (buffer_one). */
  readonly waiting: boolean;
  /** Agents one run spawns, or errors when the target is missing. */
  readonly agentCost: number;
  readonly targetErrors: readonly { readonly code: string; readonly message: string }[];
}

/** Everything one tick's decision needs. */
export interface TickContext {
  readonly schedule: FiringSchedule;
  readonly tenant: FiringTenant;
  readonly items: readonly ItemState[];
}

/** A run a tick creates, as decided; the store fills in what every new run starts with. */
export interface NewRun {
  readonly id: string;
  readonly item_id: string;
  readonly target_kind: FiringItem['target_kind'];
  readonly target_id: string;
  readonly parameters: string;
  readonly status: 'queued' | 'failed';
  readonly agents_spawned: number;
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly after_run_id: string | null;
  /** When it may start (a jittered tick); null for at once. */
  readonly dispatch_at: number | null;
  readonly finished_at: number | null;
}

export interface NewTick {
  readonly id: string;
  readonly tenant_id: string;
  readonly project_id: string;
  readonly schedule_id: string;
  readonly trigger: TickTrigger;
  readonly fire_time: number;
  readonly per_tick_budget: number;
  readonly tenant_left: number | null;
  readonly deadline_at: number;
  readonly outcome: TickOutcome | null;
  readonly ended_at: number | null;
  /** When it was written: also its runs' queued time. */
  readonly created_at: number;
}

/** One tick as planned: the tick, every candidate's decision, its runs, what it moves. */
export interface PlannedTick {
  readonly tick: NewTick;
  readonly entries: readonly TickEntry[];
  readonly runs: readonly NewRun[];
  /** Items whose last-run time becomes the tick's fire time. */
  readonly ranItemIds: readonly string[];
  /** Live runs replaced by this tick's (cancel_other). */
  readonly cancelRunIds?: readonly string[];
}

export interface ScheduleAdvance {
  readonly scheduleId: string;
  /** The fire time the schedule was read at: it moves only if it is still there. */
  readonly from: number;
  /** Its next fire time; null when it has none left. */
  readonly to: number | null;
  /** Fire times it leaves behind without a tick (SPEC section 3: one record per run of them). */
  readonly missed: readonly MissedRecord[];
}

/** A run of fire times left without a tick (core/catch-up.ts's MissedRange, recorded). */
export interface MissedRecord {
  readonly id: string;
  readonly tenant_id: string;
  readonly schedule_id: string;
  readonly from_time: number;
  readonly to_time: number;
  readonly count: number;
  readonly reason: MissedRange['reason'];
  readonly recorded_at: number;
}

export interface PlannedBatch {
  readonly ticks: readonly PlannedTick[];
  readonly advances: readonly ScheduleAdvance[];
}

export interface TickBatchWritten {
  /** Ticks written (those another writer had written already are not). */
  readonly written: ReadonlySet<string>;
  /** Schedules moved on (those another pass had moved first are not). */
  readonly advanced: ReadonlySet<string>;
}
