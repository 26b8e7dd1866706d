// What the API needs from storage, declared here by its user (ARCHITECTURE habit 2); main.ts
// hands in the real stores (storage/api-stores.ts). Every method takes the caller's tenant.
import type { AuditAction, AuditLogEntry } from '../core/audit-actions.ts';
import type { OutboxEntry, OutboxSummary } from '../core/digest-records.ts';
import type {
  CalleeRecord,
  ClientRecord,
  IdempotentResponse,
  JourneyRecord,
  PageRequest,
  ProjectRecord,
  Revisions,
  ScheduleActivity,
  ScheduleItemRecord,
  ScheduleRecord,
  ScheduleSettings,
  TestPlanRecord,
} from '../core/resources.ts';
import type {
  AuditEntryRecord,
  AuditPageRequest,
  CancelResult,
  CoverageSchedule,
  ItemRunBucket,
  NewRun,
  RunDetailRecord,
  RunFilter,
  RunRecord,
  SpendingBucket,
  TenantRecord,
  TickEntryRecord,
} from '../core/run-records.ts';
import type { UsersPort } from './people-ports.ts';

type Patch<T> = { readonly [K in keyof T]?: T[K] | undefined };
type ProjectFilter = { readonly projectId?: string | undefined };
/** 'missing' also when the row's revision is not one of the `expected` ones. */
type Removal = 'deleted' | 'missing' | 'in_use';

/**
 * `expected` is the `If-Match` condition (ADR 45), checked by the write itself: an update or
 * removal whose row is missing or at another revision changes nothing and answers as if missing;
 * the route tells the two apart by reading. Every write adds one to the row's revision.
 */
interface Resources<R, P> {
  list(tenantId: string, filter: ProjectFilter, page: PageRequest): Promise<R[]>;
  get(tenantId: string, id: string): Promise<R | undefined>;
  create(tenantId: string, record: R): Promise<void>;
  update(
    tenantId: string,
    id: string,
    patch: P,
    now: number,
    expected?: Revisions,
  ): Promise<R | undefined>;
  idsInProject(tenantId: string, projectId: string, ids: readonly string[]): Promise<Set<string>>;
}

export interface ProjectPort {
  list(tenantId: string, page: PageRequest): Promise<ProjectRecord[]>;
  get(tenantId: string, id: string): Promise<ProjectRecord | undefined>;
  create(tenantId: string, record: ProjectRecord): Promise<void>;
  update(
    tenantId: string,
    id: string,
    patch: Patch<{ name: string }>,
    now: number,
  ): Promise<ProjectRecord | undefined>;
  remove(tenantId: string, id: string): Promise<boolean>;
}

export type CalleePort = Resources<
  CalleeRecord,
  Patch<
    Omit<CalleeRecord, 'id' | 'project_id' | 'version' | 'revision' | 'created_at' | 'updated_at'>
  >
> & { remove(tenantId: string, id: string, expected?: Revisions): Promise<Removal> };

export type JourneyPort = Resources<
  JourneyRecord,
  Patch<Pick<JourneyRecord, 'name' | 'description' | 'agent_id' | 'inputs'>>
> & { remove(tenantId: string, id: string, expected?: Revisions): Promise<Removal> };

export type TestPlanPort = Resources<
  TestPlanRecord,
  Patch<Pick<TestPlanRecord, 'name' | 'journey_ids'>>
> & { remove(tenantId: string, id: string, expected?: Revisions): Promise<boolean> };

/** Writes take `expected` as the other ports do (see `Resources`). */
export interface SchedulePort {
  list(tenantId: string, filter: ProjectFilter, page: PageRequest): Promise<ScheduleRecord[]>;
  get(tenantId: string, id: string): Promise<ScheduleRecord | undefined>;
  create(tenantId: string, record: ScheduleRecord): Promise<void>;
  update(
    tenantId: string,
    id: string,
    change: Partial<ScheduleSettings> & {
      /** Only when the cadence or enabled state changed. */
      readonly next_fire_at?: number | null;
      /** Paused → enabled: the failure streak starts over. */
      readonly resumed?: boolean;
    },
    now: number,
    expected?: Revisions,
  ): Promise<ScheduleRecord | undefined>;
  remove(tenantId: string, id: string, expected?: Revisions): Promise<boolean>;
  activity(tenantId: string, scheduleId: string): Promise<ScheduleActivity>;
  /** The owner's name: a user's or a client's; null once the owner is gone. */
  /** The latest URL changes of the agents its items use, newest first. */
  calleeChanges(
    tenantId: string,
    scheduleId: string,
  ): Promise<
    {
      readonly at: number;
      readonly callee: { readonly kind: string; readonly id: string };
      readonly by: { readonly kind: string; readonly id: string | null };
      readonly origin: string | null;
    }[]
  >;
  ownerName(
    tenantId: string,
    owner: { readonly kind: 'client' | 'user'; readonly id: string },
  ): Promise<string | null>;
  item(
    tenantId: string,
    scheduleId: string,
    itemId: string,
  ): Promise<ScheduleItemRecord | undefined>;
  items(tenantId: string, scheduleId: string): Promise<ScheduleItemRecord[]>;
  addItem(tenantId: string, item: ScheduleItemRecord): Promise<'added' | 'duplicate'>;
  updateItem(
    tenantId: string,
    scheduleId: string,
    itemId: string,
    patch: Patch<Pick<ScheduleItemRecord, 'priority' | 'parameters' | 'enabled'>>,
    now: number,
    expected?: Revisions,
  ): Promise<ScheduleItemRecord | undefined>;
  removeItem(
    tenantId: string,
    scheduleId: string,
    itemId: string,
    expected?: Revisions,
  ): Promise<boolean>;
}

export interface TenantPort {
  /** Seed 1 step 2: scheduling on behalf of users, enabled once per tenant. */
  enableUserScheduling(tenantId: string, now: number): Promise<unknown>;
  /** When that happened; null: not yet, so users may not create or enable schedules. */
  userSchedulingEnabledAt(tenantId: string): Promise<number | null>;
}

/** A tenant's OAuth clients (src/auth/clients.ts): the secret comes back from create only. */
export interface ClientsPort {
  create(
    tenantId: string,
    request: { readonly role: 'admin' | 'member'; readonly name: string },
  ): Promise<{ readonly client: ClientRecord; readonly clientSecret: string }>;
  list(tenantId: string): Promise<ClientRecord[]>;
  /** False when the tenant has no such client. */
  remove(tenantId: string, id: string): Promise<boolean>;
}

/** Keys of requests sent with an `Idempotency-Key` (ADR 15): taken before the route runs. */
export interface IdempotencyPort {
  claim(
    tenantId: string,
    request: { readonly key: string; readonly fingerprint: string },
    now: number,
  ): Promise<IdempotencyClaimOutcome>;
  save(
    tenantId: string,
    claim: IdempotencyClaim,
    answer: { readonly status: number; readonly body: string },
  ): Promise<void>;
  release(tenantId: string, claim: IdempotencyClaim): Promise<void>;
}

export interface IdempotencyClaim {
  readonly key: string;
  readonly fingerprint: string;
  readonly created_at: number;
}

export type IdempotencyClaimOutcome =
  | { readonly taken: true; readonly claim: IdempotencyClaim }
  /** Another request's: answered (status > 0) or still running (status 0). */
  | { readonly taken: false; readonly held: IdempotentResponse };

/** A schedule's audit trail: ticks and missed fire times, newest first (ADR 18). */
export interface AuditPort {
  trail(tenantId: string, scheduleId: string, page: AuditPageRequest): Promise<AuditEntryRecord[]>;
  tick(tenantId: string, tickId: string): Promise<TickEntryRecord | undefined>;
}

/** The tenant's audit log (`GET /api/v1/audit`): newest first, `limit + 1` rows. */
export interface AuditLogPort {
  list(
    tenantId: string,
    query: {
      readonly limit: number;
      readonly before?: string;
      readonly action?: AuditAction;
      readonly actorId?: string;
    },
  ): Promise<AuditLogEntry[]>;
}

export interface RunPort {
  list(tenantId: string, filter: RunFilter, page: PageRequest): Promise<RunRecord[]>;
  get(tenantId: string, id: string): Promise<RunRecord | undefined>;
  detail(tenantId: string, id: string): Promise<RunDetailRecord | undefined>;
  create(tenantId: string, run: NewRun): Promise<RunRecord>;
  cancel(tenantId: string, id: string, now: number): Promise<CancelResult>;
}

/** The caller's tenant: its settings and what its runs spend. */
export interface TenantBudgetPort {
  get(tenantId: string): Promise<TenantRecord | undefined>;
  update(
    tenantId: string,
    change: Patch<Pick<TenantRecord, 'name' | 'timezone' | 'daily_agent_budget'>>,
    now: number,
  ): Promise<TenantRecord | 'name_taken' | undefined>;
  spending(tenantId: string, since: number): Promise<SpendingBucket[]>;
  scheduleNames(tenantId: string, ids: readonly string[]): Promise<Map<string, string>>;
  itemRuns(tenantId: string, since: number, scheduleId?: string): Promise<ItemRunBucket[]>;
  coverageSchedules(tenantId: string, scheduleId?: string): Promise<CoverageSchedule[]>;
  /** Agents one run of each item's target spawns; null for a missing target. */
  itemCosts(tenantId: string, scheduleId: string): Promise<Map<string, number | null>>;
}

/**
 * What the API asks of the engine, handed in by main.ts (http may not import the engine).
 * `trigger` ticks a schedule now through the regular selection (SPEC section 3, manual
 * trigger): the new tick's id, or undefined when the schedule is gone.
 */
export interface EnginePort {
  trigger(scheduleId: string, now: number): Promise<string | undefined>;
}

export interface ApiStores {
  readonly projects: ProjectPort;
  readonly agents: CalleePort;
  readonly tools: CalleePort;
  readonly journeys: JourneyPort;
  readonly testPlans: TestPlanPort;
  readonly schedules: SchedulePort;
  readonly idempotency: IdempotencyPort;
  readonly tenants: TenantPort;
  readonly clients: ClientsPort;
  /** A tenant's users (src/auth/users.ts). */
  readonly users: UsersPort;
  /** Whether a write failed because a row it referenced was deleted meanwhile (answered 400). */
  readonly isReferenceGone: (error: unknown) => boolean;
  readonly audit: AuditPort;
  readonly auditLog: AuditLogPort;
  readonly runs: RunPort;
  readonly tenantBudget: TenantBudgetPort;
  /** Whether an error means the database is unreachable (answered 503 + Retry-After). */
  readonly isUnavailable: (error: unknown) => boolean;
}

/**
 * The digest mailer's service (SPEC section 8), handed in by main.ts (http may not import mail).
 * Calls are scoped by tenant: another tenant's id reads as absent (undefined). A refusal is thrown
 * as an error carrying a catalogue `code`: `digest_disabled`, `no_tick_yet`, or `invalid_cursor`
 * for a cursor no page handed out.
 */
export interface MailPort {
  forceDigest(scheduleId: string, tenantId: string): Promise<OutboxEntry | undefined>;
  listOutbox(
    tenantId: string,
    page: { readonly limit: number; readonly cursor?: string | undefined },
  ): Promise<{ data: readonly OutboxSummary[]; next_cursor: string | null }>;
  readOutboxEntry(tenantId: string, id: string): Promise<OutboxEntry | undefined>;
  mailStatus(tenantId: string): Promise<{
    readonly transport: 'smtp' | 'outbox';
    readonly destination: string;
    readonly from: string;
    readonly counts: Readonly<Record<OutboxSummary['status'], number>>;
    readonly last_delivery: OutboxSummary | null;
    readonly recent_failures: readonly OutboxSummary[];
  }>;
}
