// Digests as the API shows them (`GET /api/v1/outbox`, `/outbox/{id}`, the force-send answer):
// snake_case, ISO instants, recipients as a list.
import { formatInstant } from '../core/instant.ts';
import type { DigestStatus } from '../core/digest-delivery.ts';
import type { DigestKind, DigestRecord, MailTransportKind } from '../core/digest-records.ts';

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

const instant = (ms: number | null): string | null => (ms === null ? null : formatInstant(ms));

export const outboxSummary = (d: DigestRecord): OutboxSummary => ({
  id: d.id,
  schedule_id: d.schedule_id,
  tick_id: d.tick_id,
  kind: d.kind,
  status: d.status,
  transport: d.transport,
  recipients: d.recipients,
  subject: d.subject,
  message_id: d.message_id,
  attempts: d.attempts,
  next_attempt_at: d.status === 'queued' ? formatInstant(d.next_attempt_at) : null,
  last_response: d.last_response,
  last_error: d.last_error,
  sent_at: instant(d.sent_at),
  created_at: formatInstant(d.created_at),
});

export const outboxEntry = (d: DigestRecord): OutboxEntry => ({
  ...outboxSummary(d),
  html: d.html ?? '',
  text: d.text ?? '',
});
