// The engine's ports: the few store operations the scheduler calls, named for what it needs and
// spoken in the core's records (core/firing-records.ts). src/storage implements them once for
// both databases (storage/scheduler-storage.ts); main.ts and the tests hand them in.
import type {
  FiringSchedule,
  PlannedTick,
  PlannedBatch,
  TickBatchWritten,
  TickContext,
} from '../core/firing-records.ts';
import type { GrantFacts } from '../core/grant-status.ts';
import type { TickOutcome } from '../core/tick-outcome.ts';
import type { RunStatus } from '../core/run-state.ts';
import type { ExpiredLeases } from '../core/work-records.ts';

export interface DueRequest {
  readonly now: number;
  /** This scheduler, as named in its schedule claims. */
  readonly holder: string;
  /** How long a claim keeps other schedulers off a schedule if this one dies mid-way. */
  readonly ttlMs: number;
  readonly limit: number;
  /** Schedules that failed earlier in this pass and wait for the next one. */
  readonly skip: ReadonlySet<string>;
}

/** What a batch's planning reads and writes, inside the transaction that writes the batch. */
export interface TickTransaction {
  /**
   * Holds the tenants' budgets until the transaction ends: another replica planning ticks of the
   * same tenants waits, then reads a spend that counts this one's runs.
   */
  holdBudgets(tenantIds: readonly string[]): Promise<void>;
  loadTickContexts(
    schedules: readonly FiringSchedule[],
    now: number,
  ): Promise<Map<string, TickContext>>;
  loadTickContext(scheduleId: string, now: number): Promise<TickContext | undefined>;
  /** Agents the tenant's runs have spawned (or are set to spawn) since `dayStart`. */
  agentsSpentSince(tenantId: string, dayStart: number): Promise<number>;
  /**
   * The latest grant of each user-owned schedule's owner, by schedule id, in one query per batch;
   * an owner without any grant is absent (SPEC section 3 step 5).
   */
  /**
   * The latest grant of each user-owned schedule's owner, by schedule id; a grant found ended by
   * `now` for the first time is recorded in the audit log (`grant.expire`).
   */
  ownerGrants(
    schedules: readonly FiringSchedule[],
    now: number,
  ): Promise<ReadonlyMap<string, GrantFacts>>;
  /** `beforeAdvance` runs between the ticks and the advances (fault tests stop there). */
  writeTickBatch(
    batch: PlannedBatch,
    beforeAdvance?: () => Promise<void>,
  ): Promise<TickBatchWritten>;
  /** One tick that moves no schedule (a manual trigger); the existing tick's id if it was there. */
  writeTick(
    tick: PlannedTick,
  ): Promise<{ readonly written: boolean; readonly tickId: string | null }>;
}

/** Taking due schedules, firing them, and handing back what could not be fired. */
export interface FiringStore {
  /**
   * Takes due schedules and runs `fire` over them in one transaction, or resolves undefined
   * when none is due. How they are taken is the database's: SQLite's one scheduler reads, plans
   * and writes in one transaction; PostgreSQL's replicas claim them first, then fire holding
   * their tenants' budgets. `onTaken` hears the schedules before they are fired.
   */
  fireDue<T>(
    request: DueRequest,
    onTaken: (due: readonly FiringSchedule[]) => void,
    fire: (due: readonly FiringSchedule[], trx: TickTransaction) => Promise<T>,
  ): Promise<T | undefined>;
  /** Runs `work` in one write transaction: all of it commits, or none of it. */
  write<T>(work: (trx: TickTransaction) => Promise<T>): Promise<T>;
  /** The schedule again, if it is still enabled and due. */
  reloadDue(scheduleId: string, now: number): Promise<FiringSchedule | undefined>;
  releaseScheduleClaim(scheduleId: string, holder: string): Promise<void>;
  /** The schedule's cadence, or undefined once it was deleted (the manual trigger). */
  readCadence(scheduleId: string): Promise<FiringSchedule['cadence'] | undefined>;
}

export interface OpenTick {
  readonly id: string;
  readonly scheduleId: string;
  readonly statuses: readonly RunStatus[];
}

export interface TickEnd {
  readonly tickId: string;
  readonly scheduleId: string;
  readonly outcome: TickOutcome;
  readonly now: number;
  /** Computes the schedule's new streak from its current one (core/failure-streak.ts). */
  readonly streak: (consecutiveFailures: number) => {
    consecutiveFailures: number;
    pauseNote: string | null;
  };
}

/** Closing ticks and deciding their digests. */
export interface TickEndStore {
  failRunsPastDeadline(now: number): Promise<number>;
  openTicks(limit: number): Promise<OpenTick[]>;
  /** The schedule's `pause_after_failures`; null when unset or the schedule is gone. */
  pauseAfterFailures(scheduleId: string): Promise<number | null>;
  endTick(end: TickEnd): Promise<boolean>;
  queueDigestsOfEndedTicks(now: number, limit: number): Promise<number>;
}

export type LockOutcome =
  | { readonly acquired: true; readonly fence: number }
  | { readonly acquired: false; readonly holder: string; readonly expiresAt: number };

export interface LockRequest {
  readonly name: string;
  readonly holder: string;
  readonly now: number;
  readonly ttlMs: number;
}

/** The lock that makes a database's one scheduler the only one (SQLite, ADR 12). */
export interface SchedulerLock {
  acquire(request: LockRequest): Promise<LockOutcome>;
  takeOver(request: LockRequest & { readonly from: string }): Promise<LockOutcome>;
  renew(request: LockRequest & { readonly fence: number }): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  /** The one scheduler's claims left behind are a dead process's. */
  releaseAllScheduleClaims(): Promise<void>;
}

/** Everything the scheduler loop needs. */
export interface SchedulerStore {
  readonly firing: FiringStore;
  readonly ticks: TickEndStore;
  /** Present when the database allows one scheduler only: it must hold this lock. */
  readonly singleScheduler: SchedulerLock | undefined;
  /** The instant the earliest enabled schedule is next due, or null. */
  nextDueAt(): Promise<number | null>;
  /** A crashed worker's runs go back to the queue (or fail) once their lease has run out. */
  recoverExpiredLeases(now: number): Promise<ExpiredLeases>;
  /** Deletes at most `batch` of each kind of history older than `before`. */
  pruneHistory(before: number, batch: number): Promise<unknown>;
  pruneIdempotencyKeys(before: number, batch: number): Promise<number>;
}
