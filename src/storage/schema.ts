// The typed database schema shared by SQLite and PostgreSQL. Portable conventions: ids are
// text (UUIDv7), instants are epoch milliseconds in 64-bit integers, booleans are 0/1 integers,
// JSON is stored as text (parsed by the stores), so both dialects return the same types.
import type { Generated } from 'kysely';
import type { Severity } from '../core/finding-severity.ts';
import type { DigestStatus } from '../core/digest-delivery.ts';
import type { DigestKind, MailTransportKind } from '../core/digest-records.ts';
import type {
  AuditLogTable,
  AuthorizationAttemptTable,
  AuthorizationCodeTable,
  GrantTable,
  OAuthClientTable,
  SessionTable,
  SigningKeyTable,
  UserTable,
} from './schema-identity.ts';

type Json = string;
type Millis = number;
type Flag = 0 | 1;

export interface TenantTable {
  id: string;
  name: string;
  timezone: string;
  /** null = unlimited. */
  daily_agent_budget: number | null;
  /** When an admin enabled scheduling on behalf of users (seed 1 step 2); null: not yet. */
  user_scheduling_enabled_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface ProjectTable {
  id: string;
  tenant_id: string;
  name: string;
  created_at: Millis;
  updated_at: Millis;
}

/** Agents and tools share one shape (SPEC section 5). */
export interface CalleeTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  kind: string;
  config: Json;
  input_schema: Json | null;
  output_schema: Json | null;
  timeout_seconds: number | null;
  version: number;
  /** Grows by one on every write through the API: the ETag's validator (ADR 45). */
  revision: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

export interface JourneyTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  description: string | null;
  agent_id: string;
  inputs: Json;
  /** Grows by one on every write through the API: the ETag's validator (ADR 45). */
  revision: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

export interface TestPlanTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  /** Grows by one on every write through the API: the ETag's validator (ADR 45). */
  revision: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

export interface TestPlanJourneyTable {
  test_plan_id: string;
  journey_id: string;
  position: number;
}

export interface ScheduleTable {
  id: string;
  tenant_id: string;
  project_id: string;
  name: string;
  cadence: Json;
  coverage_window_hours: number;
  /** "Max test runs per tick"; null = auto. */
  daily_budget: number | null;
  overlap_policy: string;
  catchup_policy: string;
  catchup_window_hours: number;
  tick_deadline_minutes: number;
  pause_after_failures: number | null;
  consecutive_failures: number;
  enabled: Flag;
  pause_note: string | null;
  digest_config: Json | null;
  owner_kind: 'client' | 'user';
  owner_id: string;
  next_fire_at: Millis | null;
  last_tick_at: Millis | null;
  /** Grows by one on every write through the API: the ETag's validator (ADR 45). */
  revision: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
  /** Which scheduler is working on the schedule, until when (a lease, not a flag). */
  claimed_by: string | null;
  claimed_until: Millis | null;
}

export interface ScheduleItemTable {
  id: string;
  tenant_id: string;
  schedule_id: string;
  target_kind: 'journey' | 'test_plan' | 'flow';
  target_id: string;
  priority: number;
  parameters: Json;
  enabled: Flag;
  last_run_at: Millis | null;
  /** Grows by one on every write through the API: the ETag's validator (ADR 45). */
  revision: Generated<number>;
  created_at: Millis;
  updated_at: Millis;
}

export interface TickTable {
  id: string;
  tenant_id: string;
  schedule_id: string;
  trigger: 'schedule' | 'catchup' | 'manual';
  /** The nominal fire time; for a manual tick, the instant it was triggered. */
  fire_time: Millis;
  per_tick_budget: number;
  tenant_left: number | null;
  deadline_at: Millis;
  outcome: 'succeeded' | 'failed' | 'cancelled' | 'skipped' | null;
  ended_at: Millis | null;
  created_at: Millis;
}

/** Every candidate of a tick with its decision: the audit trail (SPEC section 3). */
export interface TickItemTable {
  tick_id: string;
  item_id: string;
  /** Position in the selection order; null for an item that was no candidate (invalid target). */
  rank: number | null;
  score: number | null;
  outcome: 'selected' | 'skipped';
  reason: string | null;
  errors: Json | null;
}

export interface MissedFireTimeTable {
  id: string;
  tenant_id: string;
  schedule_id: string;
  from_time: Millis;
  to_time: Millis;
  count: number;
  reason: 'downtime' | 'outside_catchup_window' | 'clock_jump';
  recorded_at: Millis;
}

export interface RunTable {
  id: string;
  tenant_id: string;
  project_id: string;
  target_kind: 'journey' | 'test_plan' | 'flow';
  target_id: string;
  trigger: 'schedule' | 'catchup' | 'manual' | 'api';
  triggered_by: string | null;
  tick_id: string | null;
  schedule_id: string | null;
  item_id: string | null;
  parameters: Json;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  scheduled_for: Millis | null;
  queued_at: Millis;
  started_at: Millis | null;
  finished_at: Millis | null;
  attempt: number;
  max_attempts: number;
  agents_spawned: number;
  usage: Json | null;
  error_code: string | null;
  error_message: string | null;
  error_step: string | null;
  lease_owner: string | null;
  lease_until: Millis | null;
  /** Fencing token: bumped on every claim, so a stale worker's writes match no row. */
  fence: number;
  after_run_id: string | null;
  /** Not claimed before this instant (a jittered tick's runs); null: at once. */
  dispatch_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface RunStepTable {
  id: string;
  run_id: string;
  position: number;
  step_key: string;
  name: string;
  callee_kind: 'agent' | 'tool';
  callee_id: string | null;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'skipped';
  input: Json | null;
  output: Json | null;
  error_code: string | null;
  error_message: string | null;
  started_at: Millis | null;
  finished_at: Millis | null;
}

export interface StepLogTable {
  id: Generated<number>;
  step_id: string;
  at: Millis;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface FindingTable {
  id: string;
  run_id: string;
  step_id: string | null;
  severity: Severity;
  title: string;
  detail: string | null;
  created_at: Millis;
}

/** Named leases: the single SQLite scheduler, and later other singletons. */
export interface LockTable {
  name: string;
  holder: string;
  expires_at: Millis;
  fence: number;
}

export interface OutboundOriginTable {
  origin: string;
  note: string;
  created_at: Millis;
}

// The REST API (migration 0006).

/** The first answer to a request with an `Idempotency-Key`, replayed to its retries. */
export interface IdempotencyKeyTable {
  tenant_id: string;
  key: string;
  /** Method, path and a digest of the body: what makes a retry "the same request". */
  fingerprint: string;
  status: number;
  body: Json;
  created_at: Millis;
}

// Digests (SPEC section 8) -------------------------------------------------------------------

/** One digest of one tick, and its delivery (core/digest-delivery.ts has the status machine). */
export interface DigestTable {
  id: string;
  tenant_id: string;
  schedule_id: string;
  tick_id: string;
  /** `tick`: queued when the tick ended (one per tick); `forced`: POST /schedules/{id}/digest. */
  kind: DigestKind;
  /** Taken from digest_config when queued, so a later edit never changes a digest in flight. */
  recipients: Json;
  min_severity: Severity | null;
  /** A line the digest leads with, e.g. the schedule was paused after failures. */
  notice: string | null;
  status: DigestStatus;
  /** Set once, when the digest is first composed; the same on every attempt. */
  message_id: string | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  /** Where the last attempt went: `smtp` or the built-in `outbox`. */
  transport: MailTransportKind | null;
  attempts: number;
  next_attempt_at: Millis;
  lease_owner: string | null;
  lease_until: Millis | null;
  /** Fencing token: bumped on every claim, so a stale mailer's writes match no row. */
  fence: number;
  /** The server's reply to the last attempt (or the connection error). */
  last_response: string | null;
  last_error: string | null;
  sent_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/**
 * Digest bookkeeping on ticks (migration 0004), declared here so the digest additions stay in one
 * block: when the tick's digest was decided (queued, or not wanted); null until then.
 */
export interface TickTable {
  digest_considered_at: Millis | null;
}

// ---------------------------------------------------------------------------------------------

export interface Schema {
  tenants: TenantTable;
  projects: ProjectTable;
  agents: CalleeTable;
  tools: CalleeTable;
  journeys: JourneyTable;
  test_plans: TestPlanTable;
  test_plan_journeys: TestPlanJourneyTable;
  schedules: ScheduleTable;
  schedule_items: ScheduleItemTable;
  ticks: TickTable;
  tick_items: TickItemTable;
  missed_fire_times: MissedFireTimeTable;
  runs: RunTable;
  run_steps: RunStepTable;
  step_logs: StepLogTable;
  findings: FindingTable;
  locks: LockTable;
  outbound_origins: OutboundOriginTable;
  idempotency_keys: IdempotencyKeyTable;
  oauth_clients: OAuthClientTable;
  signing_keys: SigningKeyTable;
  digests: DigestTable;
  users: UserTable;
  sessions: SessionTable;
  authorization_attempts: AuthorizationAttemptTable;
  authorization_codes: AuthorizationCodeTable;
  grants: GrantTable;
  audit_log: AuditLogTable;
}
