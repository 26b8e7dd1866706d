// Sign-in throttling (ADR 48): failed sign-ins are counted per client address and per email at
// that address in a sliding window, in this process. More than `limit` failures in the window and
// the next attempt is refused until the oldest of them leaves it. Never per email alone, so that
// nobody can lock an admin out from elsewhere. Memory is bounded: at most `maxKeys` keys, each
// holding at most `limit` instants.

export interface ThrottleOptions {
  /** Failures allowed in the window; the one after is refused. */
  readonly limit: number;
  readonly windowMs: number;
  readonly maxKeys: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  limit: 10,
  windowMs: 15 * 60_000,
  maxKeys: 10_000,
};

export class SignInThrottle {
  // Each key's failure instants, oldest first; a Map keeps keys in the order they were first seen.
  private readonly failures = new Map<string, number[]>();
  private readonly options: ThrottleOptions;

  constructor(options: ThrottleOptions = DEFAULT_THROTTLE) {
    this.options = options;
  }

  /** 0 when an attempt may go ahead; else the seconds until one may. */
  retryAfter(ip: string, email: string, now: number): number {
    const waits = this.keys(ip, email).map((key) => this.wait(key, now));
    return Math.max(...waits);
  }

  recordFailure(ip: string, email: string, now: number): void {
    for (const key of this.keys(ip, email)) {
      const kept = this.live(key, now);
      kept.push(now);
      // Only the latest `limit` matter to a refusal.
      if (kept.length > this.options.limit) kept.splice(0, kept.length - this.options.limit);
      if (!this.failures.has(key)) this.makeRoom(now);
      this.failures.set(key, kept);
    }
  }

  /** A success forgets that email's failures at that address, never the address's own. */
  recordSuccess(ip: string, email: string): void {
    this.failures.delete(pairKey(ip, email));
  }

  /** How many keys are held (for the memory bound's test). */
  get size(): number {
    return this.failures.size;
  }

  private keys(ip: string, email: string): string[] {
    return [`ip\u0000${ip}`, pairKey(ip, email)];
  }

  private live(key: string, now: number): number[] {
    const since = now - this.options.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }

  private wait(key: string, now: number): number {
    const kept = this.live(key, now);
    if (kept.length < this.options.limit) return 0;
    const oldest = kept[kept.length - this.options.limit] ?? now;
    return Math.max(1, Math.ceil((oldest + this.options.windowMs - now) / 1000));
  }

  private makeRoom(now: number): void {
    if (this.failures.size < this.options.maxKeys) return;
    const since = now - this.options.windowMs;
    for (const [key, instants] of this.failures)
      if ((instants[instants.length - 1] ?? 0) <= since) this.failures.delete(key);
    // Still full: forget the keys first seen longest ago.
    for (const key of this.failures.keys()) {
      if (this.failures.size < this.options.maxKeys) break;
      this.failures.delete(key);
    }
  }
}

const pairKey = (ip: string, email: string) => `pair\u0000${ip}\u0000${email.toLowerCase()}`;
