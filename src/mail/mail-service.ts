// What the API's mail routes call (SPEC sections 6 and 8): force-send the latest tick's digest,
// list and read the outbox, and the mail status. Every call is scoped by the caller's tenant;
// an id of another tenant reads as absent (the route answers 404).
import { storedDigestConfig } from '../core/digest-config.ts';
import { withContent } from './digest-content.ts';
import { DigestRequestError } from './digest-request-error.ts';
import { decodeOutboxCursor, encodeOutboxCursor, InvalidOutboxCursor } from './outbox-cursor.ts';
import type { DigestTransport } from './digest-transport.ts';
import type { DigestContentStore, OutboxStore } from './mail-store.ts';
import { outboxEntry, outboxSummary, type OutboxEntry, type OutboxSummary } from './outbox-view.ts';

export interface MailServiceDeps {
  readonly store: { readonly content: DigestContentStore; readonly outbox: OutboxStore };
  readonly transport: Pick<DigestTransport, 'kind' | 'description'>;
  readonly publicUrl: string;
  readonly mailFrom: string;
  readonly now: () => number;
  readonly newId: () => string;
  /** Tells this process's mailer a digest is waiting (absent on API-only processes). */
  readonly wake?: () => void;
}

export interface MailStatus {
  readonly transport: 'smtp' | 'outbox';
  /** "smtp://mail.example.com:587" (never the credentials) or "outbox". */
  readonly destination: string;
  readonly from: string;
  readonly counts: Readonly<Record<OutboxSummary['status'], number>>;
  readonly last_delivery: OutboxSummary | null;
  readonly recent_failures: readonly OutboxSummary[];
}

export interface MailService {
  /**
   * Queues the schedule's latest tick's digest now, whatever its send policy, and returns it
   * composed; undefined when the tenant has no such schedule.
   * @throws DigestRequestError `digest_disabled` (400) or `no_tick_yet` (409)
   */
  forceDigest(scheduleId: string, tenantId: string): Promise<OutboxEntry | undefined>;
  /** @throws InvalidOutboxCursor for a cursor no page handed out (400) */
  listOutbox(
    tenantId: string,
    page: { readonly limit: number; readonly cursor?: string | undefined },
  ): Promise<{ data: OutboxSummary[]; next_cursor: string | null }>;
  readOutboxEntry(tenantId: string, id: string): Promise<OutboxEntry | undefined>;
  mailStatus(tenantId: string): Promise<MailStatus>;
}

export const FORCED_NOTICE = 'Sent on request: the digest of the schedule’s latest tick.';
const RECENT_FAILURES = 5;
export const MAX_OUTBOX_PAGE = 100;

export function createMailService(deps: MailServiceDeps): MailService {
  const { store, now } = deps;
  return {
    async forceDigest(scheduleId, tenantId) {
      const target = await store.outbox.target(tenantId, scheduleId);
      if (target === undefined) return undefined;
      const config = storedDigestConfig(target.digestConfig);
      if (config === null || !config.enabled) {
        throw new DigestRequestError(
          'digest_disabled',
          'This schedule’s digests are not enabled: set digest_config.enabled to true first.',
        );
      }
      if (target.latestTickId === null) {
        throw new DigestRequestError(
          'no_tick_yet',
          'This schedule has not ticked yet, so there is no digest to send.',
        );
      }
      const id = deps.newId();
      await store.outbox.insert({
        id,
        tenantId,
        scheduleId,
        tickId: target.latestTickId,
        kind: 'forced',
        recipients: config.recipients,
        minSeverity: config.minSeverity,
        notice: FORCED_NOTICE,
        now: now(),
      });
      const digest = await store.outbox.read(tenantId, id);
      const composed = digest === undefined ? undefined : await withContent(deps, digest);
      deps.wake?.();
      return composed === undefined ? undefined : outboxEntry(composed);
    },

    async listOutbox(tenantId, page) {
      const limit = Math.max(1, Math.min(MAX_OUTBOX_PAGE, Math.trunc(page.limit)));
      const after = page.cursor === undefined ? undefined : decodeOutboxCursor(page.cursor);
      if (page.cursor !== undefined && after === undefined) throw new InvalidOutboxCursor();
      const result = await store.outbox.list(tenantId, { limit, after });
      return {
        data: result.digests.map(outboxSummary),
        next_cursor: result.next === null ? null : encodeOutboxCursor(result.next),
      };
    },

    async readOutboxEntry(tenantId, id) {
      const digest = await store.outbox.read(tenantId, id);
      if (digest === undefined) return undefined;
      // A digest the mailer has not reached yet is composed now, once, as it will be sent.
      const composed = await withContent(deps, digest);
      return outboxEntry(composed ?? digest);
    },

    async mailStatus(tenantId) {
      const figures = await store.outbox.figures(tenantId, RECENT_FAILURES);
      return {
        transport: deps.transport.kind,
        destination: deps.transport.description,
        from: deps.mailFrom,
        counts: figures.counts,
        last_delivery: figures.lastSent === undefined ? null : outboxSummary(figures.lastSent),
        recent_failures: figures.recentFailures.map(outboxSummary),
      };
    },
  };
}
