// The audit trail and the runs as the stores hand them to the API: ticks with every candidate's
// decision, missed fire-time records, runs with their steps, logs and findings. Types only;
// instants are epoch milliseconds and JSON is already parsed.
import type { Severity } from './finding-severity.ts';
import type { RunStatus, RunTrigger } from './run-state.ts';
import type { TickOutcome, TickTrigger } from './tick-outcome.ts';

type Json = Record<string, unknown>;

export type RunTargetKind = 'journey' | 'test_plan' | 'flow';

export interface RunTarget {
  readonly kind: RunTargetKind;
  readonly id: string;
}

/** One candidate of a tick and what the selection decided for it. */
export interface TickItemDecision {
  readonly item_id: string;
  /** The item's target; null once the item was removed from the schedule. */
  readonly target: RunTarget | null;
  readonly rank: number | null;
  readonly score: number | null;
  readonly outcome: 'selected' | 'skipped';
  readonly reason: string | null;
  readonly errors: readonly { readonly code: string; readonly message: string }[] | null;
}

export interface TickRun {
  readonly id: string;
  readonly item_id: string | null;
  readonly status: RunStatus;
  readonly error_code: string | null;
}

export interface TickEntryRecord {
  readonly kind: 'tick';
  readonly id: string;
  readonly trigger: TickTrigger;
  readonly fire_time: number;
  readonly outcome: TickOutcome | null;
  readonly per_tick_budget: number;
  readonly tenant_left: number | null;
  readonly ended_at: number | null;
  readonly created_at: number;
  readonly items: readonly TickItemDecision[];
  readonly runs: readonly TickRun[];
}

/** Consecutive fire times that no tick covers, and why (SPEC section 3, catch-up). */
export interface MissedEntryRecord {
  readonly kind: 'missed';
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly reason: 'downtime' | 'outside_catchup_window' | 'clock_jump';
  readonly created_at: number;
}

export type AuditEntryRecord = TickEntryRecord | MissedEntryRecord;

/** Where an audit-trail page starts: after the entry at `at` (its sort time) with this id. */
export interface AuditPageRequest {
  readonly after: { readonly at: number; readonly id: string } | undefined;
  readonly limit: number;
}

/** The time an audit entry sorts by: a tick's fire time, a missed record's last fire time. */
export const auditTime = (entry: AuditEntryRecord): number =>
  entry.kind === 'tick' ? entry.fire_time : entry.to;

export interface RunRecord {
  readonly id: string;
  readonly project_id: string;
  readonly target: RunTarget;
  readonly trigger: RunTrigger;
  readonly triggered_by: string | null;
  readonly schedule_id: string | null;
  readonly tick_id: string | null;
  readonly item_id: string | null;
  readonly parameters: Json;
  readonly status: RunStatus;
  readonly scheduled_for: number | null;
  readonly queued_at: number;
  readonly started_at: number | null;
  readonly finished_at: number | null;
  readonly attempt: number;
  readonly max_attempts: number;
  readonly agents_spawned: number;
  readonly usage: unknown;
  readonly error: {
    readonly code: string;
    readonly message: string | null;
    readonly step: string | null;
  } | null;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface StepLogRecord {
  readonly at: number;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface RunStepRecord {
  readonly id: string;
  readonly position: number;
  readonly key: string;
  readonly name: string;
  readonly callee: { readonly kind: 'agent' | 'tool'; readonly id: string | null };
  readonly status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  readonly input: unknown;
  readonly output: unknown;
  readonly error: { readonly code: string; readonly message: string | null } | null;
  readonly started_at: number | null;
  readonly finished_at: number | null;
  readonly logs: readonly StepLogRecord[];
}

export interface FindingRecord {
  readonly id: string;
  readonly step_id: string | null;
  readonly severity: Severity;
  readonly title: string;
  readonly detail: string | null;
  readonly created_at: number;
}

export interface RunDetailRecord extends RunRecord {
  readonly steps: readonly RunStepRecord[];
  readonly findings: readonly FindingRecord[];
}

export interface RunFilter {
  readonly scheduleId?: string | undefined;
  readonly status?: RunStatus | undefined;
  readonly trigger?: RunTrigger | undefined;
}

/** A run to start now, outside any tick (POST /runs, rerun). */
export interface NewRun {
  readonly id: string;
  readonly project_id: string;
  readonly target: { readonly kind: 'journey' | 'test_plan'; readonly id: string };
  readonly trigger: 'manual' | 'api';
  readonly triggered_by: string;
  readonly parameters: Json;
  readonly agents_spawned: number;
  readonly max_attempts: number;
  readonly now: number;
}

/** What cancelling did: the run's new state, or why nothing changed. */
export type CancelResult =
  | { readonly result: 'cancelled'; readonly run: RunRecord }
  | { readonly result: 'ended'; readonly run: RunRecord }
  | { readonly result: 'missing' };

/** The tenant's settings (SPEC section 3: the daily agent budget counts in its time zone). */
export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  readonly timezone: string;
  /** null = unlimited. */
  readonly daily_agent_budget: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** Agents and runs of one schedule (null: runs started directly) in one quarter hour. */
export interface SpendingBucket {
  readonly schedule_id: string | null;
  /** Start of the quarter hour: every zone's midnight falls on one. */
  readonly at: number;
  readonly agents: number;
  readonly runs: number;
}

export const SPENDING_BUCKET_MS = 900_000;

/** Runs of one schedule item queued in one quarter hour (the coverage heat map). */
export interface ItemRunBucket {
  readonly item_id: string;
  readonly at: number;
  readonly runs: number;
}

/** A schedule and its current items, for the coverage heat map. */
export interface CoverageSchedule {
  readonly id: string;
  readonly name: string;
  readonly items: readonly { readonly id: string; readonly target: RunTarget }[];
}
