// Digests over SMTP through nodemailer, from ROTA_SMTP_URL (`smtp://` with STARTTLS when the
// server offers it, `smtps://` for implicit TLS; user and password in the URL). One connection
// per digest: digests are few, and a fresh connection never inherits a broken one.
import nodemailer from 'nodemailer';
import type { DigestTransport, OutgoingDigest, TransportResult } from './digest-transport.ts';

export interface SmtpOptions {
  /** Bounds on each phase, so a silent server never holds a digest past its lease. */
  readonly connectionTimeoutMs?: number;
  readonly socketTimeoutMs?: number;
}

interface SmtpError {
  readonly message?: string;
  readonly code?: string;
  readonly response?: string;
  readonly responseCode?: number;
}

export function smtpTransport(url: string, options: SmtpOptions = {}): DigestTransport {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  const port = parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port);
  const user = decodeURIComponent(parsed.username);
  const transporter = nodemailer.createTransport({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure,
    ...(user === '' ? {} : { auth: { user, pass: decodeURIComponent(parsed.password) } }),
    connectionTimeout: options.connectionTimeoutMs ?? 30_000,
    greetingTimeout: options.connectionTimeoutMs ?? 30_000,
    socketTimeout: options.socketTimeoutMs ?? 60_000,
  });
  return {
    kind: 'smtp',
    description: `${parsed.protocol}//${parsed.host}`,
    async send(digest: OutgoingDigest): Promise<TransportResult> {
      try {
        const info = await transporter.sendMail({
          from: digest.from,
          to: [...digest.to],
          subject: digest.subject,
          text: digest.text,
          html: digest.html,
          messageId: digest.messageId,
          // Tells auto-responders (out-of-office) not to answer a machine.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
        });
        const rejected = info.rejected.map(String);
        return {
          ok: true,
          response:
            rejected.length === 0
              ? info.response
              : `${info.response} (refused recipients: ${rejected.join(', ')})`,
        };
      } catch (error) {
        const e = error as SmtpError;
        return {
          ok: false,
          failure: {
            ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
            message: e.response ?? `${e.code ?? 'ERROR'}: ${e.message ?? String(error)}`,
          },
        };
      }
    },
    close: () => transporter.close(),
  };
}
