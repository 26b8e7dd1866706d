// The mail's ports: what the mail loop, the composer and the mail service ask of storage, spoken
// in the core's digest records (core/digest-records.ts). src/storage implements them once for
// both databases (storage/mail-storage.ts); main.ts and the tests hand them in.
import type {
  DeliveryResult,
  DigestContent,
  DigestCursor,
  DigestHolder,
  DigestRecord,
  DigestSource,
  NewDigest,
} from '../core/digest-records.ts';
import type { DigestStatus } from '../core/digest-delivery.ts';

export interface DigestClaimRequest {
  readonly holder: string;
  readonly now: number;
  readonly leaseMs: number;
  readonly limit: number;
}

/** The delivery queue: claims with leases and fencing tokens, attempts, dead mailers' digests. */
export interface DigestDeliveryStore {
  /** Up to `limit` due digests, oldest due first, each claimed for one attempt. */
  claim(request: DigestClaimRequest): Promise<DigestRecord[]>;
  /** Records an attempt; false when the holder's token is stale, and then nothing changes. */
  finish(holder: DigestHolder, result: DeliveryResult): Promise<boolean>;
  /** Digests whose mailer stopped while sending go back to the queue, or fail. */
  recoverExpired(now: number): Promise<{ readonly requeued: number; readonly failed: number }>;
  /** The earliest instant a queued digest is due. */
  nextDueAt(): Promise<number | null>;
}

/** Composing a digest once: its tick's story in, its content kept. */
export interface DigestContentStore {
  /** Everything the digest of `tickId` tells; undefined once the tick is gone. */
  loadSource(tickId: string): Promise<DigestSource | undefined>;
  /** Keeps the content the first time; returns the digest as stored. */
  storeContent(id: string, content: DigestContent, now: number): Promise<DigestRecord | undefined>;
}

export interface DigestTarget {
  readonly digestConfig: string | null;
  /** The schedule's most recent tick, if it ever ticked. */
  readonly latestTickId: string | null;
}

export interface DeliveryFigures {
  readonly counts: Readonly<Record<DigestStatus, number>>;
  readonly lastSent: DigestRecord | undefined;
  readonly recentFailures: readonly DigestRecord[];
}

/** The outbox as the API reads it, always within one tenant. */
export interface OutboxStore {
  list(
    tenantId: string,
    page: { readonly limit: number; readonly after: DigestCursor | undefined },
  ): Promise<{ readonly digests: readonly DigestRecord[]; readonly next: DigestCursor | null }>;
  read(tenantId: string, id: string): Promise<DigestRecord | undefined>;
  /** What force-sending a schedule's digest needs; undefined for another tenant's schedule. */
  target(tenantId: string, scheduleId: string): Promise<DigestTarget | undefined>;
  /** Queues a digest outside a tick's end (a force-send). */
  insert(digest: NewDigest): Promise<void>;
  figures(tenantId: string, failures: number): Promise<DeliveryFigures>;
}

export interface MailStore {
  readonly delivery: DigestDeliveryStore;
  readonly content: DigestContentStore;
  readonly outbox: OutboxStore;
}
