// Digests over real SMTP on loopback: what arrives (parsed), the send policies, and delivery
// through an outage, a temporary refusal, a permanent one, and authentication.
import { afterEach, describe, expect, it } from 'vitest';
import type { AddressObject } from 'mailparser';
import { smtpTransport } from '../../src/mail/smtp-transport.ts';
import type { DigestTransport } from '../../src/mail/digest-transport.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { SmtpSink, type SinkOptions } from './smtp-sink.ts';
import { digestRows, endedExampleTick, HandClock, mailerFor, PUBLIC_URL } from './mail-test-kit.ts';

const RECIPIENTS = ['ops@example.test', 'qa.lead@example.test'];
const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field === undefined ? [] : [field]).flatMap((a) =>
    a.value.map((v) => v.address),
  );

describeEachDatabase('digests over SMTP', (fresh) => {
  let current: TestDatabase | undefined;
  let sink: SmtpSink | undefined;
  let transport: DigestTransport | undefined;
  afterEach(async () => {
    transport?.close();
    await sink?.stop();
    await current?.dispose();
    current = sink = transport = undefined;
  });

  async function setUp(sinkOptions: SinkOptions = {}) {
    current = await fresh();
    sink = await SmtpSink.start(sinkOptions);
    transport = smtpTransport(sink.url, { connectionTimeoutMs: 5_000, socketTimeoutMs: 5_000 });
    return { database: current.database, sink, transport, clock: new HandClock() };
  }

  it('mails one digest with both parts, the recipients, the headers and a stable Message-ID', async () => {
    const { database, sink, transport, clock } = await setUp();
    const tick = await endedExampleTick(database, { recipients: RECIPIENTS });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    await mailer.stop();

    expect(sink.received).toHaveLength(1);
    const [{ envelope, raw, parsed }] = sink.received as [(typeof sink.received)[number]];
    const [digest] = await digestRows(database);
    expect(digest).toMatchObject({ status: 'sent', transport: 'smtp', attempts: 1 });
    expect(digest!.last_response).toMatch(/^250 /);
    expect(envelope).toEqual({ from: 'rota@example.test', to: RECIPIENTS });
    expect(addresses(parsed.to)).toEqual(RECIPIENTS);
    expect(addresses(parsed.from)).toEqual(['rota@example.test']);
    expect(parsed.messageId).toBe(`<digest.${digest!.id}@example.test>`);
    expect(parsed.messageId).toBe(digest!.message_id);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/i);
    expect(parsed.subject).toBe(
      '[Rota] Nightly <shop> checks: 1 of 2 runs failed, 4 findings · Mar 14, 2027, 3:30 AM EDT',
    );

    const text = parsed.text ?? '';
    for (const line of [
      'Nightly <shop> checks — 1 of 2 runs failed',
      'Project: Web shop',
      'Tick: Sunday, March 14, 2027, 3:30 AM EDT (Scheduled) — Failed',
      'Runs: 2 (1 completed, 1 failed)',
      'Agents spawned: 2; the tenant had 40 of its 200 daily agents left when the tick fired',
      'Per-tick budget: 2 runs started of at most 2',
      '- [Failed] Checkout & pay',
      'agent_error: POST /pay answered 502 Bad Gateway.',
      `${PUBLIC_URL}/runs/${tick.runIds[0]}`,
      `${PUBLIC_URL}/runs/${tick.runIds[1]}`,
      'Critical (1)',
      '- Payment fails at the last step — Checkout & pay',
      '- Sign up: the tenant’s daily agent budget was used up',
      '- Log in: per-tick budget reached',
      'MOST OVERDUE (COVERAGE WINDOW 120 H)',
      '- Sign up: never ran — overdue',
      '- Log in: last ran 130 h before this tick — overdue',
      `Schedule: ${PUBLIC_URL}/schedules/${tick.scheduleId}`,
    ])
      expect(text).toContain(line);
    // Findings grouped most severe first.
    expect(text.indexOf('Critical (1)')).toBeLessThan(text.indexOf('High (1)'));
    expect(text.indexOf('High (1)')).toBeLessThan(text.indexOf('Low (1)'));
    expect(text.indexOf('Low (1)')).toBeLessThan(text.indexOf('Info (1)'));

    const html = parsed.html || '';
    expect(html).toContain('Nightly &lt;shop&gt; checks');
    expect(html).not.toContain('<shop>');
    expect(html).toContain(`href="${PUBLIC_URL}/runs/${tick.runIds[0]}"`);
    expect(html).toContain('Checkout &amp; pay');
    expect(html).toContain('Expected status 200, got 502.<br>Step: pay');
    // Mail-client safe: inline styles only, nothing fetched from elsewhere.
    expect(html).not.toMatch(/<img|<style|<link|<script|class=|url\(/i);
    expect(html).toMatch(/style="/);
  });

  it('sends nothing with on_failure for a tick whose runs all completed, and mails a failed one', async () => {
    const { database, sink, transport, clock } = await setUp();
    const config = { recipients: ['ops@example.test'], send: 'on_failure' };
    await endedExampleTick(database, config, { failing: false });
    const failed = await endedExampleTick(database, config, { failing: true });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    await mailer.stop();
    expect((await digestRows(database)).map((d) => [d.tick_id, d.status])).toEqual([
      [failed.tickId, 'sent'],
    ]);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.parsed.text).toContain('[Failed] Checkout & pay');
  });

  it('with on_failure and min_severity, mails a tick with no failed run but a finding at or above it', async () => {
    const { database, sink, transport, clock } = await setUp();
    await endedExampleTick(
      database,
      { recipients: ['ops@example.test'], send: 'on_failure', min_severity: 'critical' },
      { failing: false },
    );
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    await mailer.stop();
    expect(sink.received).toHaveLength(1);
    const text = sink.received[0]?.parsed.text ?? '';
    expect(text).toContain('All 2 runs completed');
    expect(text).toContain('FINDINGS (CRITICAL AND ABOVE)');
  });

  it('lists only findings at or above min_severity and counts the rest', async () => {
    const { database, sink, transport, clock } = await setUp();
    await endedExampleTick(database, { recipients: ['ops@example.test'], min_severity: 'high' });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    await mailer.stop();
    const { text = '', html, subject } = sink.received[0]!.parsed;
    expect(subject).toContain('2 findings');
    expect(text).toContain('FINDINGS (HIGH AND ABOVE)');
    expect(text).toContain('Critical (1)');
    expect(text).toContain('High (1)');
    expect(text).not.toContain('Basket badge lags');
    expect(text).not.toContain('Search answered in 840 ms');
    expect(text).toContain('2 findings below high not shown.');
    expect(html || '').not.toContain('Basket badge lags');
  });

  it('delivers exactly one message when the SMTP server is down and comes back', async () => {
    const { database, sink, transport, clock } = await setUp();
    await sink.stop();
    await endedExampleTick(database, { recipients: ['ops@example.test'] });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    let [digest] = await digestRows(database);
    expect(digest).toMatchObject({ status: 'queued', attempts: 1, transport: 'smtp' });
    expect(digest!.last_error).toMatch(/ECONNREFUSED|ECONNECTION/);
    expect(digest!.next_attempt_at).toBe(clock.current + 30_000);

    await sink.listen();
    clock.current += 29_999;
    await mailer.poll();
    expect(sink.received).toHaveLength(0);
    clock.current += 1;
    await mailer.poll();
    clock.current += 3_600_000;
    await mailer.poll();
    await mailer.stop();

    expect(sink.received).toHaveLength(1);
    [digest] = await digestRows(database);
    expect(digest).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    // The outage never touched the tick: it ended with its outcome before any attempt.
    const tick = await database.db
      .selectFrom('ticks')
      .select('outcome')
      .where('id', '=', digest!.tick_id)
      .executeTakeFirstOrThrow();
    expect(tick.outcome).toBe('failed');
    expect(sink.received[0]?.parsed.messageId).toBe(digest!.message_id);
  });

  it('retries after a 4xx reply and then sends once', async () => {
    const { database, sink, transport, clock } = await setUp({
      refusals: [{ at: 'data', code: 451, message: '4.3.0 Mailbox busy, try later' }],
    });
    await endedExampleTick(database, { recipients: ['ops@example.test'] });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    let [digest] = await digestRows(database);
    expect(digest).toMatchObject({ status: 'queued', attempts: 1 });
    expect(digest!.last_response).toContain('451 4.3.0 Mailbox busy, try later');
    clock.current = digest!.next_attempt_at;
    await mailer.poll();
    await mailer.stop();
    [digest] = await digestRows(database);
    expect(digest).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.received).toHaveLength(1);
  });

  it('fails at once on a 5xx reply, keeping the server’s reply, and never tries again', async () => {
    const { database, sink, transport, clock } = await setUp({
      refusals: [{ at: 'rcpt', code: 550, message: '5.1.1 No such user here' }],
    });
    await endedExampleTick(database, { recipients: ['nobody@example.test'] });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    clock.current += 24 * 3_600_000;
    await mailer.poll();
    await mailer.stop();
    const [digest] = await digestRows(database);
    expect(digest).toMatchObject({ status: 'failed', attempts: 1 });
    expect(digest!.last_error).toContain('550 5.1.1 No such user here');
    expect(sink.received).toHaveLength(0);
  });

  it('sends to the recipients the server accepts and records the one it refused', async () => {
    const { database, sink, transport, clock } = await setUp({
      refusals: [{ at: 'rcpt', code: 550, message: '5.1.1 No such user here' }],
    });
    await endedExampleTick(database, { recipients: ['gone@example.test', 'ops@example.test'] });
    const mailer = mailerFor(database, transport, clock);
    await mailer.start();
    await mailer.stop();
    expect(sink.received.map((m) => m.envelope.to)).toEqual([['ops@example.test']]);
    const [digest] = await digestRows(database);
    expect(digest?.status).toBe('sent');
    expect(digest?.last_response).toContain('refused recipients: gone@example.test');
  });

  describe('authentication', () => {
    const auth = { user: 'rota@example.test', pass: 'p@ss:w/rd' };

    it('signs in with the user and password of ROTA_SMTP_URL', async () => {
      const { database, sink, transport, clock } = await setUp({ auth });
      expect(transport.description).toBe(`smtp://127.0.0.1:${sink.port}`);
      await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const mailer = mailerFor(database, transport, clock);
      await mailer.start();
      await mailer.stop();
      expect(sink.received).toHaveLength(1);
      expect((await digestRows(database))[0]?.status).toBe('sent');
    });

    it('fails a digest for good when the server refuses the password', async () => {
      const { database, sink, clock } = await setUp({ auth });
      transport = smtpTransport(sink.url.replace(encodeURIComponent(auth.pass), 'wrong'));
      await endedExampleTick(database, { recipients: ['ops@example.test'] });
      const mailer = mailerFor(database, transport, clock);
      await mailer.start();
      await mailer.stop();
      const [digest] = await digestRows(database);
      expect(digest).toMatchObject({ status: 'failed', attempts: 1 });
      expect(digest!.last_error).toMatch(/535/);
      expect(sink.received).toHaveLength(0);
    });
  });
});
