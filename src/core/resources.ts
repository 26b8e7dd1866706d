// The resources the API manages, as the stores hand them over: ids, JSON already parsed,
// instants as epoch milliseconds. Types only; the HTTP layer turns them into the contract's shapes.
import type { Severity } from './finding-severity.ts';
import type { Cadence } from './cadence.ts';
import type { CatchUpPolicy } from './catch-up.ts';
import type { OverlapPolicy } from './overlap-policy.ts';

type Json = Record<string, unknown>;

export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  readonly created_at: number;
  readonly updated_at: number;
}

export type CalleeKind = 'agents' | 'tools';

/** An agent or a tool (SPEC section 5). */
export interface CalleeRecord {
  readonly id: string;
  readonly project_id: string;
  readonly name: string;
  readonly kind: string;
  readonly config: Json;
  readonly input_schema: Json | null;
  readonly output_schema: Json | null;
  readonly timeout_seconds: number | null;
  readonly version: number;
  /** Grows by one on every write through the API: what the resource's ETag names. */
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface JourneyRecord {
  readonly id: string;
  readonly project_id: string;
  readonly name: string;
  readonly description: string | null;
  readonly agent_id: string;
  readonly inputs: Json;
  /** Grows by one on every write through the API: what the resource's ETag names. */
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface TestPlanRecord {
  readonly id: string;
  readonly project_id: string;
  readonly name: string;
  readonly journey_ids: readonly string[];
  /** Grows by one on every write through the API: what the resource's ETag names. */
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
}

export type TargetKind = 'journey' | 'test_plan';

export interface ScheduleItemRecord {
  readonly id: string;
  readonly schedule_id: string;
  readonly target_kind: TargetKind | 'flow';
  readonly target_id: string;
  readonly priority: number;
  readonly parameters: Json;
  readonly enabled: boolean;
  readonly last_run_at: number | null;
  /** Grows by one on every write through the API: what the resource's ETag names. */
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** Email digest settings (SPEC section 8). */
export interface DigestSettings {
  readonly enabled: boolean;
  readonly recipients: readonly string[];
  readonly send: 'always' | 'on_failure';
  readonly min_severity: Severity | null;
}

/** The settings of a schedule that an API client writes. */
export interface ScheduleSettings {
  readonly name: string;
  readonly cadence: Cadence;
  readonly coverage_window_hours: number;
  readonly daily_budget: number | null;
  readonly digest_config: DigestSettings | null;
  readonly overlap_policy: OverlapPolicy;
  readonly catchup_policy: CatchUpPolicy;
  readonly catchup_window_hours: number;
  readonly tick_deadline_minutes: number;
  readonly pause_after_failures: number | null;
  readonly enabled: boolean;
  readonly pause_note: string | null;
}

export interface ScheduleRecord extends ScheduleSettings {
  readonly id: string;
  readonly project_id: string;
  readonly owner_kind: 'client' | 'user';
  readonly owner_id: string;
  readonly next_fire_at: number | null;
  readonly last_tick_at: number | null;
  /** Grows by one on every write through the API: what the resource's ETag names. */
  readonly revision: number;
  readonly created_at: number;
  readonly updated_at: number;
}

/** What a schedule has done: SPEC section 3 "What a schedule shows". */
export interface ScheduleActivity {
  /** Ticks that started at least one run. */
  readonly run_count: number;
  readonly last_tick: {
    readonly at: number;
    readonly outcome: 'succeeded' | 'failed' | 'cancelled' | 'skipped' | null;
  } | null;
}

/** A stored answer to a request sent with an `Idempotency-Key`. */
export interface IdempotentResponse {
  readonly key: string;
  /** Method, path and body digest: what "the same request" means. */
  readonly fingerprint: string;
  readonly status: number;
  readonly body: string;
  readonly created_at: number;
}

/**
 * The revisions a write may replace: those the request's `If-Match` names (ADR 45). Undefined: no
 * condition (no `If-Match`, or `*`), the last write wins; empty: none matches.
 */
export type Revisions = readonly number[] | undefined;

/** One page of a list in id order: ids are time-ordered UUIDv7. */
export interface PageRequest {
  /** Rows with ids after this one. */
  readonly after: string | undefined;
  readonly limit: number;
}

/** An OAuth machine client as the API shows it: never its secret or digest. */
/** A tenant's user as the API shows it: never the password hash. */
export interface UserRecord {
  readonly id: string;
  readonly tenant_id: string;
  readonly email: string;
  readonly name: string;
  readonly role: 'admin' | 'member';
  readonly last_sign_in_at: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface ClientRecord {
  readonly id: string;
  readonly client_id: string;
  readonly name: string;
  readonly role: 'admin' | 'member';
  readonly created_at: number;
  readonly updated_at: number;
}
