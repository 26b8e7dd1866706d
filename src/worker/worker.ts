// The worker loop: claims queued runs up to its concurrency, executes them, and claims again as
// slots free up; recovers runs whose lease expired; on stop, lets in-flight runs finish within a
// grace period and gives the rest back to the queue (SPEC section 4).
import type { SecretSeal } from '../core/callee-config.ts';
import type { Executor } from './executor.ts';
import { executeRun, type RunEnd, type RunnerDeps } from './run-runner.ts';
import type { WorkerStore } from './worker-store.ts';

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_HEARTBEAT_MS = 10_000;
const DEFAULT_POLL_MS = 5_000;

export interface WorkerTimer {
  cancel(): void;
}

export interface WorkerOptions {
  readonly store: WorkerStore;
  readonly workerId: string;
  readonly concurrency: number;
  readonly executors: Readonly<Record<string, Executor>>;
  readonly now: () => number;
  /** Arms a timer (the engine's Clock fits): the next look for work when idle. */
  readonly timer: (delayMs: number, fire: () => void) => WorkerTimer;
  /** Opens the sealed header values of agents (ROTA_SECRET_KEY's box). */
  readonly secrets?: Pick<SecretSeal, 'open' | 'isSealed'>;
  readonly leaseMs?: number;
  readonly heartbeatMs?: number;
  readonly pollMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Each run this worker took up, as it ended here (for metrics). */
  readonly onRunEnded?: (end: RunEnd) => void;
}

export class Worker {
  private readonly options: WorkerOptions;
  private readonly inFlight = new Map<
    string,
    { fence: number; done: Promise<unknown>; stop: AbortController }
  >();
  private stopped = true;
  private polling: Promise<void> = Promise.resolve();
  private timer: WorkerTimer | undefined;
  private lastRecovery = -Infinity;
  /** A look for work asked for by a notification and not begun yet. */
  private wakeQueued = false;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(options: WorkerOptions) {
    this.options = options;
  }

  /** Starts looking for work, now, whenever runs are queued anywhere, and at each poll. */
  async start(): Promise<void> {
    this.stopped = false;
    const stopListening = await this.options.store.onRunsQueued(() => this.wake());
    // Stopped while the subscription was being made: it is not kept.
    if (this.stopped) return stopListening();
    this.stopListening = stopListening;
    return this.poll();
  }

  /** Looks for work now (a tick was just written, or a slot freed up). */
  poll(): Promise<void> {
    return this.lookAfterCurrent();
  }

  /**
   * Runs were queued (by this process or, on PostgreSQL, another): looks for work after the
   * look in progress, once however many notifications arrive before that look begins.
   */
  wake(): void {
    if (this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    void this.lookAfterCurrent(() => (this.wakeQueued = false));
  }

  /** Looks for work once the look in progress is done; `starting` runs as the look begins. */
  private lookAfterCurrent(starting?: () => void): Promise<void> {
    this.polling = this.polling
      .then(() => {
        starting?.();
        return this.claimAndRun();
      })
      .catch((error: unknown) => this.options.onError?.(error));
    return this.polling;
  }

  /** Resolves when every run in flight now has ended (for tests and shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      // A run that ends starts a new claim; wait for that too before looking again.
      await this.polling;
      if (this.inFlight.size === 0) return;
      await Promise.all([...this.inFlight.values()].map((r) => r.done));
    }
  }

  /** Stops claiming; waits up to `graceMs` for in-flight runs, then releases the rest. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.stopListening?.();
    this.stopListening = undefined;
    await this.polling;
    let graceOver = false;
    const grace = new Promise<void>((resolve) =>
      this.options.timer(graceMs, () => ((graceOver = true), resolve())),
    );
    await Promise.race([this.drain(), grace]);
    if (!graceOver) return;
    for (const [runId, { fence, stop }] of this.inFlight) {
      await this.options.store
        .releaseRun({ runId, fence }, this.options.now())
        .catch((error: unknown) => this.options.onError?.(error));
      // Handed back: its call is abandoned, and the fence keeps whatever it writes out.
      stop.abort();
    }
  }

  private async claimAndRun(): Promise<void> {
    if (this.stopped) return;
    const {
      store,
      workerId,
      concurrency,
      now,
      pollMs = DEFAULT_POLL_MS,
      leaseMs = DEFAULT_LEASE_MS,
    } = this.options;
    // Expired leases are looked for once per heartbeat, not on every claim: a poll follows every
    // run that ends, and the look is a write transaction of its own.
    const heartbeatMs = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (now() - this.lastRecovery >= heartbeatMs) {
      this.lastRecovery = now();
      await store.recoverExpiredLeases(this.lastRecovery);
    }
    const free = concurrency - this.inFlight.size;
    let idle = free > 0;
    if (free > 0) {
      const claimed = await store.claimRuns({ workerId, now: now(), leaseMs, limit: free });
      idle = claimed.length < free;
      for (const run of claimed) {
        const stop = new AbortController();
        const done = executeRun(this.runnerDeps(), run, stop.signal)
          .catch((error: unknown) => this.options.onError?.(error))
          .finally(() => {
            this.inFlight.delete(run.id);
            if (!this.stopped) void this.poll();
          });
        this.inFlight.set(run.id, { fence: run.fence, done, stop });
      }
    }
    // With slots left free, wait for the next poll or a jittered run's dispatch time, whichever
    // comes first; with every slot busy, a run that ends looks again anyway.
    const dispatch = idle ? await store.nextDispatchAt(now()) : null;
    const delay = dispatch === null ? pollMs : Math.min(pollMs, Math.max(0, dispatch - now()));
    this.timer?.cancel();
    if (!this.stopped) this.timer = this.options.timer(delay, () => void this.poll());
  }

  private runnerDeps(): RunnerDeps {
    const {
      store,
      now,
      executors,
      leaseMs = DEFAULT_LEASE_MS,
      heartbeatMs = DEFAULT_HEARTBEAT_MS,
      secrets,
      onRunEnded,
    } = this.options;
    return {
      store,
      now,
      executors,
      leaseMs,
      heartbeatMs,
      ...(secrets === undefined ? {} : { secrets }),
      ...(onRunEnded === undefined ? {} : { onEnd: onRunEnded }),
    };
  }
}
