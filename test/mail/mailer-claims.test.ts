// Mailers share the digest queue safely: two mailers on two connections send each digest once,
// and a digest whose mailer died mid-send is sent again, under the same Message-ID, after its
// lease ran out.
import { afterEach, expect, it } from 'vitest';
import { withContent } from '../../src/mail/digest-content.ts';
import { smtpTransport } from '../../src/mail/smtp-transport.ts';
import type { DigestTransport } from '../../src/mail/digest-transport.ts';
import { claimDigests } from '../../src/storage/digests/delivery-queue.ts';
import { describeEachDatabase, describePostgres, type TestDatabase } from '../storage/databases.ts';
import {
  digestRows,
  endedExampleTick,
  HandClock,
  MAIL_FROM,
  mailerFor,
  PUBLIC_URL,
} from './mail-test-kit.ts';
import { SmtpSink } from './smtp-sink.ts';
import { mailStore } from '../../src/storage/mail-storage.ts';

let current: TestDatabase | undefined;
let sink: SmtpSink | undefined;
let transport: DigestTransport | undefined;
afterEach(async () => {
  transport?.close();
  await sink?.stop();
  await current?.dispose();
  current = sink = transport = undefined;
});

describeEachDatabase('a mailer that died while sending', (fresh) => {
  it('leaves its digest to another mailer once the lease ran out, under the same Message-ID', async () => {
    current = await fresh();
    const { database } = current;
    sink = await SmtpSink.start();
    transport = smtpTransport(sink.url);
    const clock = new HandClock();
    await endedExampleTick(database, { recipients: ['ops@example.test'] });
    // The dead mailer claimed and composed the digest, then vanished before sending.
    const [claimed] = await claimDigests(database, {
      holder: 'dead',
      now: clock.current,
      leaseMs: 5 * 60_000,
      limit: 1,
    });
    const composed = await withContent(
      { store: mailStore(database), publicUrl: PUBLIC_URL, mailFrom: MAIL_FROM, now: clock.now },
      claimed!,
    );
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    expect(sink.received).toHaveLength(0);
    clock.current += 5 * 60_000 + 1;
    await mailer.poll();
    await mailer.stop();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.parsed.messageId).toBe(composed?.message_id);
    expect((await digestRows(database))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describeEachDatabase('a digest whose delivery throws', (fresh) => {
  it('is recorded and retried later, and does not stop the digests after it', async () => {
    current = await fresh();
    const { database } = current;
    const clock = new HandClock();
    await endedExampleTick(database, { recipients: ['first@example.test'] });
    await endedExampleTick(database, { recipients: ['second@example.test'] });
    const sent: string[] = [];
    let thrown = false;
    const flaky: DigestTransport = {
      kind: 'smtp',
      description: 'smtp://flaky',
      send: (digest) => {
        if (digest.to[0] === 'first@example.test' && !thrown) {
          thrown = true;
          return Promise.reject(new Error('socket hang up'));
        }
        sent.push(digest.to[0]!);
        return Promise.resolve({ ok: true, response: '250 ok' });
      },
      close: () => undefined,
    };
    const mailer = mailerFor(database, flaky, clock);
    await mailer.start();
    // Both ticks ended at the same instant: their digests' order is their random ids'.
    const rows = (await digestRows(database)).sort((a, b) =>
      a.recipients.localeCompare(b.recipients),
    );
    expect(rows.map((d) => [JSON.parse(d.recipients)[0], d.status])).toEqual([
      ['first@example.test', 'queued'],
      ['second@example.test', 'sent'],
    ]);
    expect(rows[0]?.last_error).toBe('Could not deliver the digest: socket hang up');
    clock.current = rows[0]!.next_attempt_at;
    await mailer.poll();
    await mailer.stop();
    expect(sent.sort()).toEqual(['first@example.test', 'second@example.test']);
  });
});

describePostgres('two mailers on one database', (fresh) => {
  it('send every digest exactly once when they poll at the same time', async () => {
    current = await fresh();
    const { database } = current;
    sink = await SmtpSink.start();
    transport = smtpTransport(sink.url);
    const clock = new HandClock();
    for (let i = 0; i < 4; i++)
      await endedExampleTick(database, { recipients: ['ops@example.test'] });
    const other = current.reopen();
    try {
      const first = mailerFor(database, transport, clock);
      const second = mailerFor(other, transport, clock);
      await Promise.all([first.start(), second.start()]);
      await Promise.all([first.stop(), second.stop()]);
    } finally {
      await other.close();
    }
    const ids = sink.received.map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect((await digestRows(database)).map((d) => [d.status, d.attempts])).toEqual(
      Array.from({ length: 4 }, () => ['sent', 1]),
    );
  });
});
