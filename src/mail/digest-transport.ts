// Where composed digests go: an SMTP server (smtp-transport.ts) or the built-in outbox
// (outbox-transport.ts). A transport reports a failure as data, so the mailer alone decides
// about retries (core/digest-delivery.ts).
import type { DeliveryFailure } from '../core/digest-delivery.ts';

export interface OutgoingDigest {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export type TransportResult =
  | { readonly ok: true; readonly response: string }
  | { readonly ok: false; readonly failure: DeliveryFailure };

export interface DigestTransport {
  readonly kind: 'smtp' | 'outbox';
  /** Where mail goes, without credentials: "smtp://mail.example.com:587", "outbox". */
  readonly description: string;
  send(digest: OutgoingDigest): Promise<TransportResult>;
  close(): void;
}
