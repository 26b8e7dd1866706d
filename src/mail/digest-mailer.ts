// The mail loop: claims due digests (a lease and a fencing token each, so two processes never
// send the same digest), composes them once, hands them to the transport outside any
// transaction, and records sent, a retry with backoff, or failed. Started by `serve` for the
// scheduler role; a tick or a force-send wakes it, and it also looks every `pollMs`.
import { addressProblem } from '../core/digest-config.ts';
import { retryDecision } from '../core/digest-delivery.ts';
import type { DeliveryResult, DigestRecord } from '../core/digest-records.ts';
import { withContent } from './digest-content.ts';
import type { DigestTransport } from './digest-transport.ts';
import type { DigestContentStore, DigestDeliveryStore } from './mail-store.ts';

export interface MailerTimer {
  cancel(): void;
}

export interface DigestMailerOptions {
  readonly store: {
    readonly delivery: DigestDeliveryStore;
    readonly content: DigestContentStore;
  };
  readonly transport: DigestTransport;
  /** This process, as named in leases. */
  readonly holder: string;
  readonly publicUrl: string;
  readonly mailFrom: string;
  readonly now: () => number;
  /** Arms a timer (the engine's Clock fits): the next look for due digests. */
  readonly timer: (delayMs: number, fire: () => void) => MailerTimer;
  readonly pollMs?: number;
  /** Longer than the transport's own timeouts put together. */
  readonly leaseMs?: number;
  readonly batch?: number;
  readonly onError?: (error: unknown) => void;
  /** Every attempt's result, for logs. */
  readonly onAttempt?: (digest: DigestRecord, result: DeliveryResult) => void;
}

const DEFAULT_POLL_MS = 15_000;
const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_BATCH = 10;
/** A floor under the next look, so a digest another process holds is not polled in a spin. */
const MIN_DELAY_MS = 1_000;
/** Batches one poll works through before yielding to the timer. */
const MAX_BATCHES_PER_POLL = 10;

export class DigestMailer {
  private readonly options: DigestMailerOptions;
  private polling: Promise<void> = Promise.resolve();
  private timer: MailerTimer | undefined;
  private stopped = true;

  constructor(options: DigestMailerOptions) {
    this.options = options;
  }

  start(): Promise<void> {
    this.stopped = false;
    return this.poll();
  }

  /** Delivers what is due now; resolves when this look (and any queued before it) is done. */
  poll(): Promise<void> {
    this.polling = this.polling
      .then(() => this.round())
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => this.arm());
    return this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.polling;
    this.timer?.cancel();
  }

  private async round(): Promise<void> {
    if (this.stopped) return;
    const { store, holder, now, leaseMs = DEFAULT_LEASE_MS, batch = DEFAULT_BATCH } = this.options;
    await store.delivery.recoverExpired(now());
    for (let i = 0; i < MAX_BATCHES_PER_POLL && !this.stopped; i++) {
      const claimed = await store.delivery.claim({
        holder,
        now: now(),
        leaseMs,
        limit: batch,
      });
      for (const digest of claimed) await this.deliver(digest);
      if (claimed.length < batch) return;
    }
  }

  private async deliver(claimed: DigestRecord): Promise<void> {
    const { store } = this.options;
    let digest: DigestRecord | undefined = claimed;
    let result: DeliveryResult;
    try {
      digest = await withContent(this.options, claimed);
      result = await this.attempt(digest, claimed.attempts);
    } catch (error) {
      // One digest's trouble (a bug in composing or sending it) is its own: recorded and retried.
      const failure = { message: `Could not deliver the digest: ${(error as Error).message}` };
      result = this.outcome({ ok: false, failure }, claimed.attempts);
    }
    await store.delivery.finish({ id: claimed.id, fence: claimed.fence }, result);
    this.options.onAttempt?.(digest ?? claimed, result);
  }

  private async attempt(
    digest: DigestRecord | undefined,
    attempt: number,
  ): Promise<DeliveryResult> {
    const { transport, now, mailFrom } = this.options;
    const refused = { status: 'failed', transport: transport.kind, response: null } as const;
    if (digest === undefined)
      return { ...refused, error: 'The digest’s tick no longer exists.', now: now() };
    const to = [...digest.recipients];
    // Checked again at the last moment: the stored list is what reaches the SMTP envelope.
    const bad = to.find((address) => addressProblem(address) !== undefined);
    if (bad !== undefined) {
      return {
        ...refused,
        error: `Refused to send to ${JSON.stringify(bad)}: not a plain address.`,
        now: now(),
      };
    }
    const sent = await transport.send({
      messageId: digest.message_id ?? '',
      from: mailFrom,
      to,
      subject: digest.subject ?? '',
      html: digest.html ?? '',
      text: digest.text ?? '',
    });
    return this.outcome(sent, attempt);
  }

  private outcome(
    sent: Awaited<ReturnType<DigestTransport['send']>>,
    attempt: number,
  ): DeliveryResult {
    const { transport, now } = this.options;
    const at = now();
    if (sent.ok)
      return { status: 'sent', transport: transport.kind, response: sent.response, now: at };
    const { failure } = sent;
    const decision = retryDecision(failure, attempt, at);
    const response = failure.responseCode === undefined ? null : failure.message;
    return decision.retry
      ? {
          status: 'queued',
          transport: transport.kind,
          error: failure.message,
          response,
          nextAttemptAt: decision.at,
          now: at,
        }
      : {
          status: 'failed',
          transport: transport.kind,
          error:
            decision.reason === 'attempts_exhausted'
              ? `${failure.message} (gave up after ${attempt} attempts)`
              : failure.message,
          response,
          now: at,
        };
  }

  private async arm(): Promise<void> {
    this.timer?.cancel();
    if (this.stopped) return;
    const { store, now, timer, pollMs = DEFAULT_POLL_MS } = this.options;
    // Wake for the next retry if it comes before the regular look; on error, look again later.
    const due = await store.delivery.nextDueAt().catch(() => null);
    if (this.stopped) return;
    const delay = due === null ? pollMs : Math.min(pollMs, Math.max(MIN_DELAY_MS, due - now()));
    this.timer = timer(delay, () => void this.poll());
  }
}
