// The mail's ports (mail/mail-store.ts) over a Database, for both dialects: the delivery queue,
// a digest's source and content, and the outbox as the API reads it.
import type { Database } from './database.ts';
import { deliveryFigures, digestTarget, listDigests, readDigest } from './digests/outbox-reads.ts';
import { loadDigestSource } from './digests/digest-source.ts';
import {
  claimDigests,
  finishDelivery,
  insertDigest,
  nextDigestDueAt,
  recoverExpiredDigests,
  storeDigestContent,
} from './digests/delivery-queue.ts';
import type {
  DeliveryResult,
  DigestContent,
  DigestCursor,
  DigestHolder,
  NewDigest,
} from '../core/digest-records.ts';

export function mailStore(database: Database) {
  return {
    delivery: {
      claim: (request: Parameters<typeof claimDigests>[1]) => claimDigests(database, request),
      finish: (holder: DigestHolder, result: DeliveryResult) =>
        finishDelivery(database, holder, result),
      recoverExpired: (now: number) => recoverExpiredDigests(database, now),
      nextDueAt: () => nextDigestDueAt(database),
    },
    content: {
      loadSource: (tickId: string) => loadDigestSource(database, tickId),
      storeContent: (id: string, content: DigestContent, now: number) =>
        storeDigestContent(database, id, content, now),
    },
    outbox: {
      list: (
        tenantId: string,
        page: { readonly limit: number; readonly after: DigestCursor | undefined },
      ) => listDigests(database, tenantId, page),
      read: (tenantId: string, id: string) => readDigest(database, tenantId, id),
      target: (tenantId: string, scheduleId: string) =>
        digestTarget(database, tenantId, scheduleId),
      insert: (digest: NewDigest) => insertDigest(database, digest),
      figures: (tenantId: string, failures: number) =>
        deliveryFigures(database, tenantId, failures),
    },
  };
}
