// Rate limits per client and per tenant (SPEC section 7): token buckets in this process, checked
// after authentication; an empty bucket is a 429 with Retry-After. Each replica keeps its own
// buckets, so N replicas allow up to N times the rate (ADR 17). /oauth/token uses the same buckets,
// keyed by client id and source address (routes/oauth.ts).
import type { FastifyInstance } from 'fastify';
import type { Principal } from './principal.ts';
import { ApiError } from './problem.ts';

export interface Rate {
  /** Requests allowed in a burst. */
  readonly burst: number;
  /** Requests per second, sustained. */
  readonly perSecond: number;
}

export interface RateLimits {
  readonly perClient: Rate;
  readonly perTenant: Rate;
}

/** Sustained rates with bursts of six seconds' worth: ROTA_RATE_LIMIT_PER_CLIENT and _PER_TENANT. */
export const rateLimits = (perClient: number, perTenant: number): RateLimits => ({
  perClient: { burst: 6 * perClient, perSecond: perClient },
  perTenant: { burst: 6 * perTenant, perSecond: perTenant },
});

export const DEFAULT_RATE_LIMITS: RateLimits = rateLimits(20, 100);

// Buckets that refilled completely are forgotten once this many are kept.
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly rate: Rate;

  constructor(rate: Rate) {
    this.rate = rate;
  }

  /** Takes one token: 0 when allowed, else the seconds until one is back. */
  take(key: string, now: number): number {
    const { burst, perSecond } = this.rate;
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(
      burst,
      bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * perSecond,
    );
    bucket.at = now;
    if (!this.buckets.has(key)) {
      if (this.buckets.size >= MAX_BUCKETS) this.forgetFull(now);
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond));
  }

  private forgetFull(now: number): void {
    const { burst, perSecond } = this.rate;
    for (const [key, bucket] of this.buckets)
      if (bucket.tokens + ((now - bucket.at) / 1000) * perSecond >= burst) this.buckets.delete(key);
  }
}

/**
 * One process's API limiter: a client's and a tenant's buckets, whichever prefix a request came
 * in on (/api/v1 and seed 1's /ai/api/v1 share it, so neither doubles an allowance).
 */
export class ApiRateLimiter {
  private readonly clients: TokenBuckets;
  private readonly tenants: TokenBuckets;
  private readonly now: () => number;

  constructor(limits: RateLimits, now: () => number) {
    this.clients = new TokenBuckets(limits.perClient);
    this.tenants = new TokenBuckets(limits.perTenant);
    this.now = now;
  }

  /** Takes a token from the caller's and its tenant's buckets: 0, or the seconds to wait. */
  take(principal: Principal): number {
    const at = this.now();
    return Math.max(
      this.clients.take(
        `${principal.tenantId}\u0000${principal.kind}\u0000${principal.subject}`,
        at,
      ),
      this.tenants.take(principal.tenantId, at),
    );
  }
}

export function registerRateLimits(app: FastifyInstance, limiter: ApiRateLimiter): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const principal = request.principal;
    if (principal === null) return done();
    const wait = limiter.take(principal);
    if (wait === 0) return done();
    done(
      new ApiError(429, 'rate_limited', `Too many requests; retry in ${wait} s.`, {
        headers: { 'retry-after': String(wait) },
      }),
    );
  });
}
