// Digests as the API shows them (SPEC section 8): the force-send answer, the outbox list and
// entry, and the mail status. Shapes only: what a digest holds is decided by src/mail.
import { z } from 'zod';
import { DigestStatus } from '../core/digest-delivery.ts';
import { Id, Instant } from './common.ts';

const Status = z.enum(DigestStatus);

export const OutboxSummary = z
  .object({
    id: Id,
    schedule_id: Id,
    tick_id: Id,
    kind: z
      .enum(['tick', 'forced'])
      .describe('tick: sent when the tick ended; forced: on request.'),
    status: Status,
    transport: z.enum(['smtp', 'outbox']).nullable().describe('null until the first attempt.'),
    recipients: z.array(z.string()),
    subject: z.string().nullable().describe('null until the digest is composed.'),
    message_id: z.string().nullable().describe('The Message-ID every attempt sends under.'),
    attempts: z.int(),
    next_attempt_at: Instant.nullable().describe('When the next attempt is due, while queued.'),
    last_response: z.string().nullable().describe('The mail server’s last reply.'),
    last_error: z.string().nullable(),
    sent_at: Instant.nullable(),
    created_at: Instant,
  })
  .meta({ id: 'OutboxSummary', description: 'A digest and its delivery status.' });

export const OutboxEntry = OutboxSummary.extend({
  html: z.string().describe('The HTML part as sent.'),
  text: z.string().describe('The plain-text part as sent.'),
}).meta({ id: 'OutboxEntry', description: 'A digest with its rendered HTML and text.' });

export const MailStatus = z
  .object({
    transport: z.enum(['smtp', 'outbox']),
    destination: z
      .string()
      .describe('"smtp://host:port" (never the credentials) or "outbox" without ROTA_SMTP_URL.'),
    from: z.string().describe('The From address (ROTA_MAIL_FROM).'),
    counts: z.object({ queued: z.int(), sending: z.int(), sent: z.int(), failed: z.int() }),
    last_delivery: OutboxSummary.nullable(),
    recent_failures: z.array(OutboxSummary).describe('The latest failed attempts, newest first.'),
  })
  .meta({ id: 'MailStatus' });
