// A real SMTP server on loopback (smtp-server), started by the test on port 0, that parses every
// message it accepts (mailparser) and can refuse, require a password, or be stopped and started
// again on the same port, to show how delivery behaves against each.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  readonly raw: string;
  readonly parsed: ParsedMail;
}

/** An SMTP reply the sink answers with instead of accepting. */
export interface Refusal {
  readonly at: 'rcpt' | 'data';
  readonly code: number;
  readonly message: string;
}

export interface SinkOptions {
  /** Required credentials; without them the sink takes mail from anyone. */
  readonly auth?: { readonly user: string; readonly pass: string };
  /** Refusals, used one per message in order; once used up, mail is accepted. */
  readonly refusals?: Refusal[];
  readonly port?: number;
}

export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private readonly refusals: Refusal[];
  private readonly options: SinkOptions;
  port = 0;

  private constructor(options: SinkOptions) {
    this.options = options;
    this.refusals = [...(options.refusals ?? [])];
  }

  static async start(options: SinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await sink.listen(options.port ?? 0);
    return sink;
  }

  get url(): string {
    const { auth } = this.options;
    const credentials =
      auth === undefined
        ? ''
        : `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@`;
    return `smtp://${credentials}127.0.0.1:${this.port}`;
  }

  /** Starts listening again (after `stop`) on the same port. */
  async listen(port = this.port): Promise<void> {
    const { auth } = this.options;
    const refuse = (at: Refusal['at']): Error | null => {
      if (this.refusals[0]?.at !== at) return null;
      const refusal = this.refusals.shift()!;
      return Object.assign(new Error(refusal.message), { responseCode: refusal.code });
    };
    const options: SMTPServerOptions = {
      logger: false,
      disabledCommands: auth === undefined ? ['STARTTLS', 'AUTH'] : ['STARTTLS'],
      authOptional: auth === undefined,
      allowInsecureAuth: true,
      onAuth: (credentials, _session, callback) => {
        if (credentials.username === auth?.user && credentials.password === auth?.pass)
          callback(null, { user: credentials.username });
        else
          callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo: (_address, _session, callback) => callback(refuse('rcpt')),
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const refusal = refuse('data');
          if (refusal !== null) return callback(refusal);
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              this.received.push({
                envelope: {
                  from:
                    session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
                  to: session.envelope.rcptTo.map((r) => r.address),
                },
                raw: raw.toString('utf8'),
                parsed,
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    };
    const server = new SMTPServer(options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  /** Stops listening: connections are refused until `listen` again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
