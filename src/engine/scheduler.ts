// The scheduler loop. It sleeps until the earliest enabled schedule is due (a timer to that
// instant, capped by a slow safety wake), runs a pass, closes ended ticks, and prunes history and
// expired idempotency keys now and then. On a database that allows one scheduler only (SQLite) it
// first takes the "scheduler" lock: one scheduler process per file.
import { MS_PER_DAY } from '../core/civil-date.ts';
import { IDEMPOTENCY_KEY_LIFETIME_MS } from '../core/idempotency-keys.ts';
import { formatInstant } from '../core/instant.ts';
import type { Clock, Timer } from './clock.ts';
import { runSchedulerPass, type PassReport, type PausePoints } from './scheduler-pass.ts';
import type { ExpiredLeases } from '../core/work-records.ts';
import type { SchedulerStore } from './scheduler-store.ts';
import { endTicks, type EndedTicks } from './tick-ender.ts';

export interface SchedulerOptions {
  readonly store: SchedulerStore;
  readonly clock: Clock;
  readonly newId: () => string;
  /** This process, as named in the lock. */
  readonly holder: string;
  readonly retentionDays: number;
  /** The longest sleep: schedules edited by another process are seen at least this often. */
  readonly maxSleepMs?: number;
  readonly lockTtlMs?: number;
  /** How long a schedule claim keeps other schedulers off it if this one dies mid-pass. */
  readonly claimTtlMs?: number;
  /**
   * Whether the process named in a lock still lives, when this process can tell (same host);
   * a dead holder's lock is taken over at once instead of after its lease runs out.
   */
  readonly isHolderAlive?: (holder: string) => boolean | undefined;
  readonly pausePoints?: PausePoints;
  readonly onError?: (error: unknown) => void;
  /** What each round did: for metrics, and to wake a worker in the same process. */
  readonly onRound?: (report: RoundReport) => void;
}

export interface RoundReport {
  readonly pass: PassReport;
  readonly recovered: ExpiredLeases;
  readonly ended: EndedTicks;
}

export class SchedulerLocked extends Error {
  readonly code = 'scheduler_locked';
  constructor(holder: string, expiresAt: number) {
    super(
      `Another scheduler (${holder}) is running on this SQLite database (its lock lasts until ` +
        `${formatInstant(expiresAt)} unless renewed). Run one scheduler per database file, ` +
        'or use PostgreSQL (ROTA_DATABASE_URL) for several.',
    );
  }
}

const LOCK = 'scheduler';
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 1_000;

export class Scheduler {
  private readonly options: Required<
    Omit<SchedulerOptions, 'onError' | 'onRound' | 'isHolderAlive' | 'pausePoints'>
  > &
    Pick<SchedulerOptions, 'onError' | 'onRound' | 'isHolderAlive' | 'pausePoints'>;
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private cycling: Promise<void> = Promise.resolve();
  private stopped = true;
  private fence = 0;
  private lastPrune = -Infinity;

  constructor(options: SchedulerOptions) {
    this.options = { maxSleepMs: 30_000, lockTtlMs: 60_000, claimTtlMs: 60_000, ...options };
  }

  /** Takes the lock (one scheduler only), runs a first pass at once, and keeps running until stopped. */
  async start(): Promise<void> {
    const { store, clock, holder, lockTtlMs } = this.options;
    const single = store.singleScheduler;
    if (single !== undefined) {
      const request = { name: LOCK, holder, now: clock.now(), ttlMs: lockTtlMs };
      let lock = await single.acquire(request);
      if (!lock.acquired && this.options.isHolderAlive?.(lock.holder) === false)
        lock = await single.takeOver({ ...request, from: lock.holder });
      if (!lock.acquired) throw new SchedulerLocked(lock.holder, lock.expiresAt);
      this.fence = lock.fence;
      // The one scheduler of this file: a claim left behind is a dead process's.
      await single.releaseAllScheduleClaims();
    }
    this.stopped = false;
    await this.cycle();
  }

  /** Resolves when the current round and the re-arming after it are done (for tests). */
  settled(): Promise<void> {
    return this.cycling;
  }

  /** Schedules changed: look again now rather than at the armed time. */
  wake(): void {
    if (this.stopped || this.running !== undefined) return;
    this.timer?.cancel();
    this.timer = this.options.clock.timer(0, () => void this.cycle());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.cycling;
    this.timer?.cancel();
    await this.options.store.singleScheduler?.release(LOCK, this.options.holder);
  }

  /** One round: pass, close ticks, prune now and then, then sleep until the next due time. */
  private cycle(): Promise<void> {
    this.cycling = (async () => {
      if (this.stopped) return;
      const round = this.round()
        .then((report) => this.options.onRound?.(report))
        .catch((error: unknown) => this.options.onError?.(error));
      this.running = round;
      await round;
      this.running = undefined;
      if (this.stopped) return;
      // If even finding the next due time fails (the database is down), try again later.
      await this.arm().catch((error: unknown) => {
        this.options.onError?.(error);
        this.timer = this.options.clock.timer(this.options.maxSleepMs, () => void this.cycle());
      });
    })();
    return this.cycling;
  }

  private async round(): Promise<RoundReport> {
    const { store, clock, newId, holder, lockTtlMs, retentionDays } = this.options;
    const now = clock.now();
    if (store.singleScheduler !== undefined) {
      const renewed = await store.singleScheduler.renew({
        name: LOCK,
        holder,
        fence: this.fence,
        now,
        ttlMs: lockTtlMs,
      });
      if (!renewed) {
        this.stopped = true;
        throw new Error('The scheduler lost its lock to another process and stopped.');
      }
    }
    const pass = await runSchedulerPass(
      {
        store: store.firing,
        newId,
        clock: () => clock.now(),
        holder,
        claimTtlMs: this.options.claimTtlMs,
        ...(this.options.pausePoints === undefined
          ? {}
          : { pausePoints: this.options.pausePoints }),
      },
      now,
    );
    // A crashed worker's run goes back to the queue (or fails) once its lease has run out.
    const recovered = await store.recoverExpiredLeases(now);
    const ended = await endTicks(store.ticks, now);
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await store.pruneHistory(now - retentionDays * MS_PER_DAY, PRUNE_BATCH);
      // Expired keys are no longer replayed (ADR 15); this only keeps the table small.
      await store.pruneIdempotencyKeys(now - IDEMPOTENCY_KEY_LIFETIME_MS, PRUNE_BATCH);
    }
    return { pass, recovered, ended };
  }

  private async arm(): Promise<void> {
    const { store, clock, maxSleepMs, lockTtlMs } = this.options;
    const due = await store.nextDueAt();
    const now = clock.now();
    // Wake at the next due instant; never sleep past the lock's renewal or the safety wake.
    const cap = Math.min(maxSleepMs, lockTtlMs / 3);
    const delay = due === null ? cap : Math.min(cap, Math.max(0, due - now));
    this.timer = clock.timer(delay, () => void this.cycle());
  }
}
