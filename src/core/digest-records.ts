// A digest and what it is made from, as the stores hand them over and take them back. Types only:
// the mail's ports (mail/mail-store.ts) speak them, and storage maps them to rows.
import type { Cadence } from './cadence.ts';
import type { NewTick } from './firing-records.ts';
import type { RunTargetKind } from './run-records.ts';
import type { DigestStatus } from './digest-delivery.ts';
import type { Severity } from './finding-severity.ts';
import type { GrantFacts } from './grant-status.ts';
import type { RunStatus } from './run-state.ts';

export const DigestKind = {
  /** Queued when its tick ended: one per tick. */
  tick: 'tick',
  /** Asked for: POST /schedules/{id}/digest. */
  forced: 'forced',
} as const;
export type DigestKind = (typeof DigestKind)[keyof typeof DigestKind];

export type MailTransportKind = 'smtp' | 'outbox';

/** A stored digest: the outbox entry, its delivery state and, once composed, its content. */
export interface DigestRecord {
  readonly id: string;
  readonly tenant_id: string;
  readonly schedule_id: string;
  readonly tick_id: string;
  readonly kind: DigestKind;
  /** Taken from digest_config when queued, so a later edit never changes a digest in flight. */
  readonly recipients: readonly string[];
  readonly min_severity: Severity | null;
  readonly notice: string | null;
  readonly status: DigestStatus;
  readonly message_id: string | null;
  readonly subject: string | null;
  readonly html: string | null;
  readonly text: string | null;
  readonly transport: MailTransportKind | null;
  readonly attempts: number;
  readonly next_attempt_at: number;
  readonly lease_owner: string | null;
  readonly lease_until: number | null;
  readonly fence: number;
  readonly last_response: string | null;
  readonly last_error: string | null;
  readonly sent_at: number | null;
  readonly created_at: number;
  readonly updated_at: number;
}

export interface NewDigest {
  readonly id: string;
  readonly tenantId: string;
  readonly scheduleId: string;
  readonly tickId: string;
  readonly kind: DigestKind;
  readonly recipients: readonly string[];
  readonly minSeverity: Severity | null;
  readonly notice: string | null;
  readonly now: number;
}

/** A claimed digest, named by its id and the fencing token of its claim. */
export interface DigestHolder {
  readonly id: string;
  readonly fence: number;
}

export interface DigestContent {
  readonly messageId: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** One attempt's result, and the status it moves the digest to (core/digest-delivery.ts). */
export type DeliveryResult =
  | {
      readonly status: 'sent';
      readonly transport: MailTransportKind;
      readonly response: string;
      readonly now: number;
    }
  | {
      readonly status: 'queued';
      readonly transport: MailTransportKind;
      readonly error: string;
      readonly response: string | null;
      readonly nextAttemptAt: number;
      readonly now: number;
    }
  | {
      readonly status: 'failed';
      readonly transport: MailTransportKind;
      readonly error: string;
      readonly response: string | null;
      readonly now: number;
    };

/** Where a page of digests starts: after this digest in newest-first order. */
export interface DigestCursor {
  readonly createdAt: number;
  readonly id: string;
}

/** Everything a tick's digest tells: the tick, its schedule, runs, findings and decisions. */
export interface DigestSource {
  /** The tick as stored (core/firing-records.ts's NewTick), with when its digest was decided. */
  readonly tick: Omit<NewTick, 'project_id'> & { readonly digest_considered_at: number | null };
  readonly schedule: {
    readonly id: string;
    readonly name: string;
    /** Parsed where it was read; undefined when the stored cadence cannot be read. */
    readonly cadence: Cadence | undefined;
    readonly coverageWindowHours: number;
  };
  readonly projectName: string;
  readonly tenantDailyAgentBudget: number | null;
  readonly runs: readonly {
    readonly id: string;
    readonly item_id: string | null;
    readonly target_kind: RunTargetKind;
    readonly target_id: string;
    readonly status: RunStatus;
    readonly error_code: string | null;
    readonly error_message: string | null;
    readonly agents_spawned: number;
    readonly started_at: number | null;
    readonly finished_at: number | null;
  }[];
  readonly findings: readonly {
    readonly id: string;
    readonly run_id: string;
    readonly severity: Severity;
    readonly title: string;
    readonly detail: string | null;
    readonly created_at: number;
  }[];
  readonly decisions: readonly {
    readonly tick_id: string;
    readonly item_id: string;
    readonly rank: number | null;
    readonly score: number | null;
    readonly outcome: 'selected' | 'skipped';
    readonly reason: string | null;
    readonly errors: string | null;
  }[];
  readonly items: readonly {
    readonly id: string;
    readonly target_kind: RunTargetKind;
    readonly target_id: string;
    readonly priority: number;
    readonly enabled: 0 | 1;
    readonly last_run_at: number | null;
    readonly created_at: number;
  }[];
  /** Names of the journeys and test plans the items and runs point at. */
  readonly targetNames: ReadonlyMap<string, string>;
  /**
   * Who the schedule runs as and, for a user, their latest grant (null before the first): the
   * digest warns about a grant close to its end. Absent: a client's, as before people existed.
   */
  readonly owner?:
    { readonly kind: 'client' } | { readonly kind: 'user'; readonly grant: GrantFacts | null };
}

/** A digest as the API shows it (the outbox, the force-send answer): snake_case, ISO instants. */
export interface OutboxSummary {
  readonly id: string;
  readonly schedule_id: string;
  readonly tick_id: string;
  /** `tick`: sent when the tick ended; `forced`: POST /schedules/{id}/digest. */
  readonly kind: DigestKind;
  readonly status: DigestStatus;
  readonly transport: MailTransportKind | null;
  readonly recipients: readonly string[];
  /** null until the digest is composed (moments after it is queued). */
  readonly subject: string | null;
  readonly message_id: string | null;
  readonly attempts: number;
  /** When the next attempt is due, while queued. */
  readonly next_attempt_at: string | null;
  readonly last_response: string | null;
  readonly last_error: string | null;
  readonly sent_at: string | null;
  readonly created_at: string;
}

export interface OutboxEntry extends OutboxSummary {
  readonly html: string;
  readonly text: string;
}
