// The service the API's mail routes call: the outbox of a fresh install, force-sending the latest
// tick's digest (and its two refusals), and the mail status.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestRequestError } from '../../src/mail/digest-request-error.ts';
import { createMailService, FORCED_NOTICE } from '../../src/mail/mail-service.ts';
import { InvalidOutboxCursor } from '../../src/mail/outbox-cursor.ts';
import { outboxTransport } from '../../src/mail/outbox-transport.ts';
import { smtpTransport } from '../../src/mail/smtp-transport.ts';
import type { DigestTransport } from '../../src/mail/digest-transport.ts';
import type { Database } from '../../src/storage/database.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
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

const serviceFor = (database: Database, transport: DigestTransport, clock: HandClock) => {
  const woken: number[] = [];
  const service = createMailService({
    store: mailStore(database),
    transport,
    publicUrl: PUBLIC_URL,
    mailFrom: MAIL_FROM,
    now: clock.now,
    newId: randomUUID,
    wake: () => woken.push(clock.now()),
  });
  return { service, woken };
};

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describeEachDatabase('mail service', (fresh) => {
  let current: TestDatabase | undefined;
  let sink: SmtpSink | undefined;
  let transport: DigestTransport | undefined;
  afterEach(async () => {
    transport?.close();
    await sink?.stop();
    await current?.dispose();
    current = sink = transport = undefined;
  });

  describe('without SMTP', () => {
    it('keeps every digest in the outbox, listed newest first and readable with both parts', async () => {
      current = await fresh();
      const { database } = current;
      const clock = new HandClock();
      const first = await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const second = await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const { service } = serviceFor(database, outboxTransport, clock);
      // Before the mailer comes round, a read composes the digest as it will be kept.
      const [queued] = (await service.listOutbox(first.tenantId, { limit: 10 })).data;
      expect(queued).toMatchObject({ status: 'queued', subject: null, tick_id: first.tickId });
      const early = await service.readOutboxEntry(first.tenantId, queued!.id);
      expect(early?.text).toContain('Nightly <shop> checks');

      const mailer = mailerFor(database, outboxTransport, clock);
      await mailer.start();
      await mailer.stop();
      const page = await service.listOutbox(first.tenantId, { limit: 10 });
      expect(page.next_cursor).toBeNull();
      expect(page.data).toHaveLength(1);
      expect(page.data[0]).toMatchObject({
        id: queued!.id,
        kind: 'tick',
        status: 'sent',
        transport: 'outbox',
        recipients: ['ops@example.test'],
        attempts: 1,
        sent_at: '2027-03-14T07:35:00Z',
        subject: early?.subject,
      });
      const entry = await service.readOutboxEntry(first.tenantId, queued!.id);
      expect(entry?.html).toBe(early?.html);
      expect(entry?.html).toContain('<!DOCTYPE html>');
      expect(entry?.text).toContain(`${PUBLIC_URL}/runs/${first.runIds[0]}`);
      // Another tenant's digest reads as absent.
      expect(await service.readOutboxEntry(second.tenantId, queued!.id)).toBeUndefined();
      expect(await service.readOutboxEntry(first.tenantId, randomUUID())).toBeUndefined();

      const status = await service.mailStatus(first.tenantId);
      expect(status).toMatchObject({
        transport: 'outbox',
        destination: 'outbox',
        from: MAIL_FROM,
        counts: { queued: 0, sending: 0, sent: 1, failed: 0 },
        recent_failures: [],
      });
      expect(status.last_delivery?.id).toBe(queued!.id);
    });

    it('pages through the outbox with a cursor', async () => {
      current = await fresh();
      const { database } = current;
      const clock = new HandClock();
      const tick = await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const { service } = serviceFor(database, outboxTransport, clock);
      for (let i = 0; i < 2; i++) {
        clock.current += 1_000;
        await service.forceDigest(tick.scheduleId, tick.tenantId);
      }
      const first = await service.listOutbox(tick.tenantId, { limit: 2 });
      const second = await service.listOutbox(tick.tenantId, {
        limit: 2,
        cursor: first.next_cursor ?? undefined,
      });
      expect(first.data.map((d) => d.kind)).toEqual(['forced', 'forced']);
      expect(second).toMatchObject({ next_cursor: null, data: [{ kind: 'tick' }] });
      await expect(
        service.listOutbox(tick.tenantId, { limit: 2, cursor: 'not-a-cursor' }),
      ).rejects.toBeInstanceOf(InvalidOutboxCursor);
    });
  });

  describe('force-send', () => {
    it('refuses with digest_disabled (400) unless the schedule’s digests are enabled', async () => {
      current = await fresh();
      const { database } = current;
      const clock = new HandClock();
      const { service } = serviceFor(database, outboxTransport, clock);
      for (const config of [null, { enabled: false }]) {
        const tick = await endedExampleTick(database, config);
        const error = await rejection(service.forceDigest(tick.scheduleId, tick.tenantId));
        expect(error).toBeInstanceOf(DigestRequestError);
        expect(error).toMatchObject({ code: 'digest_disabled', status: 400 });
      }
      expect(await digestRows(database)).toEqual([]);
    });

    it('refuses with no_tick_yet (409) before the schedule’s first tick', async () => {
      current = await fresh();
      const { database } = current;
      const clock = new HandClock();
      const tick = await endedExampleTick(database, { recipients: ['ops@example.test'] });
      await database.db.deleteFrom('ticks').execute();
      const { service } = serviceFor(database, outboxTransport, clock);
      const error = await rejection(service.forceDigest(tick.scheduleId, tick.tenantId));
      expect(error).toMatchObject({ code: 'no_tick_yet', status: 409 });
    });

    it('answers undefined for a schedule of another tenant', async () => {
      current = await fresh();
      const { database } = current;
      const clock = new HandClock();
      const mine = await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const theirs = await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const { service } = serviceFor(database, outboxTransport, clock);
      expect(await service.forceDigest(theirs.scheduleId, mine.tenantId)).toBeUndefined();
    });

    it('sends the latest tick’s digest again, whatever send says, under a new Message-ID', async () => {
      current = await fresh();
      const { database } = current;
      sink = await SmtpSink.start();
      transport = smtpTransport(sink.url);
      const clock = new HandClock();
      // on_failure and a clean tick: nothing was sent when the tick ended.
      const tick = await endedExampleTick(
        database,
        { recipients: ['ops@example.test'], send: 'on_failure' },
        { failing: false, findings: false },
      );
      expect(await digestRows(database)).toEqual([]);
      const { service, woken } = serviceFor(database, transport, clock);
      const forced = await service.forceDigest(tick.scheduleId, tick.tenantId);
      expect(forced).toMatchObject({
        kind: 'forced',
        status: 'queued',
        tick_id: tick.tickId,
        recipients: ['ops@example.test'],
        next_attempt_at: '2027-03-14T07:35:00Z',
      });
      expect(forced?.subject).toContain('All 2 runs completed');
      expect(forced?.text).toContain(`Note: ${FORCED_NOTICE}`);
      expect(woken).toEqual([clock.current]);

      const mailer = mailerFor(database, transport, clock);
      await mailer.start();
      await mailer.stop();
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]?.parsed.messageId).toBe(forced?.message_id);
      expect(sink.received[0]?.parsed.text).toContain(FORCED_NOTICE);
    });
  });

  it('reports the SMTP destination without its password, the last delivery and recent failures', async () => {
    current = await fresh();
    const { database } = current;
    sink = await SmtpSink.start({
      auth: { user: 'rota', pass: 'secret' },
      refusals: [{ at: 'rcpt', code: 550, message: '5.1.1 No such user here' }],
    });
    transport = smtpTransport(sink.url);
    const clock = new HandClock();
    const tick = await endedExampleTick(database, { recipients: ['gone@example.test'] });
    const { service } = serviceFor(database, transport, clock);
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    clock.current += 60_000;
    await service.forceDigest(tick.scheduleId, tick.tenantId);
    await mailer.poll();
    await mailer.stop();

    const status = await service.mailStatus(tick.tenantId);
    expect(status.transport).toBe('smtp');
    expect(status.destination).toBe(`smtp://127.0.0.1:${sink.port}`);
    expect(JSON.stringify(status)).not.toContain('secret');
    expect(status.counts).toEqual({ queued: 0, sending: 0, sent: 1, failed: 1 });
    expect(status.last_delivery).toMatchObject({ kind: 'forced', status: 'sent' });
    expect(status.recent_failures).toHaveLength(1);
    expect(status.recent_failures[0]).toMatchObject({ kind: 'tick', status: 'failed' });
    expect(status.recent_failures[0]?.last_error).toContain('550 5.1.1 No such user here');
  });
});
