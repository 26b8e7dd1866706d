// Without ROTA_SMTP_URL digests stay in the database: the outbox the API and UI list, so a
// fresh install shows digests with no mail server. Keeping one is all its delivery is.
import type { DigestTransport } from './digest-transport.ts';

export const outboxTransport: DigestTransport = {
  kind: 'outbox',
  description: 'outbox',
  send: () =>
    Promise.resolve({ ok: true, response: 'Kept in the built-in outbox (no ROTA_SMTP_URL).' }),
  close: () => undefined,
};
