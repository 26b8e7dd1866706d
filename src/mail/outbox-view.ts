// Digests as the API shows them (`GET /api/v1/outbox`, `/outbox/{id}`, the force-send answer):
// snake_case, ISO instants, recipients as a list.
import { formatInstant } from '../core/instant.ts';
import type { DigestRecord, OutboxEntry, OutboxSummary } from '../core/digest-records.ts';

export type { OutboxEntry, OutboxSummary };

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
