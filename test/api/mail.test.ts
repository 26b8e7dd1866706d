// The digest endpoints (SPEC sections 6 and 8): force-send with its refusals, the outbox list and
// entries, the mail status, and who may read them.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { smtpTransport } from '../../src/mail/smtp-transport.ts';
import type { DigestTransport } from '../../src/mail/digest-transport.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedDigests, seedProject, type ApiHarness } from './api-harness.ts';

describeEachDatabase('the digest endpoints', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let shop: Awaited<ReturnType<typeof seedProject>>;
  let transport: DigestTransport | undefined;
  const start = async (mailTransport?: DigestTransport) => {
    db = await fresh();
    api = await apiHarness(db.database, mailTransport === undefined ? {} : { mailTransport });
    shop = await seedProject(api.alice);
  };
  beforeEach(() => {
    transport = undefined;
  });
  afterEach(async () => {
    transport?.close();
    await api.close();
    await db.dispose();
  });

  const schedule = async (body: object = {}) =>
    (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 'Nightly',
        ...body,
      })
    ).json();

  it('force-sends the latest tick’s digest: 200 with the digest, replayed for the same Idempotency-Key, then delivered to the outbox', async () => {
    await start();
    const nightly = await schedule({
      digest_config: { recipients: ['qa@shop.example'], send: 'on_failure' },
    });
    await api.alice.request('POST', `/api/v1/schedules/${nightly.id}/items`, {
      journey_id: shop.browse.id,
    });
    const tick = await api.alice.request('POST', `/api/v1/schedules/${nightly.id}/trigger`);
    expect(tick.statusCode).toBe(200);
    const url = `/api/v1/schedules/${nightly.id}/digest`;
    const key = { 'idempotency-key': 'digest-1' };
    const forced = await api.alice.request('POST', url, undefined, key);
    expect(forced.statusCode).toBe(200);
    const digest = forced.json();
    expect(digest).toMatchObject({
      schedule_id: nightly.id,
      tick_id: tick.json().id,
      kind: 'forced',
      status: 'queued',
      transport: null,
      recipients: ['qa@shop.example'],
      attempts: 0,
    });
    expect(digest.subject).toContain('Nightly');
    expect(digest.message_id).toBe(`<digest.${digest.id}@example.test>`);
    expect(digest.html).toContain('<!DOCTYPE html>');
    expect(digest.text).toContain('Sent on request');

    const again = await api.alice.request('POST', url, undefined, key);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(digest.id);
    expect((await api.alice.request('GET', '/api/v1/outbox')).json().data).toHaveLength(1);

    await api.deliverDigests();
    const entry = await api.alice.request('GET', `/api/v1/outbox/${digest.id}`);
    expect(entry.statusCode).toBe(200);
    expect(entry.json()).toMatchObject({
      id: digest.id,
      status: 'sent',
      transport: 'outbox',
      attempts: 1,
      subject: digest.subject,
      html: digest.html,
      text: digest.text,
      next_attempt_at: null,
    });
    expect(entry.json().sent_at).toEqual(expect.any(String));
  });

  it('refuses with 400 digest_disabled while digests are off, 409 no_tick_yet before the first tick, 404 for a schedule it cannot see', async () => {
    await start();
    for (const digest_config of [null, { enabled: false }]) {
      const off = await schedule({ digest_config });
      await api.alice.request('POST', `/api/v1/schedules/${off.id}/trigger`);
      const refused = await api.alice.request('POST', `/api/v1/schedules/${off.id}/digest`);
      expect(refused.statusCode, JSON.stringify(digest_config)).toBe(400);
      expect(refused.json()).toMatchObject({ status: 400, code: 'digest_disabled' });
    }
    const fresh = await schedule({ digest_config: { recipients: ['qa@shop.example'] } });
    const early = await api.alice.request('POST', `/api/v1/schedules/${fresh.id}/digest`);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ status: 409, code: 'no_tick_yet' });

    for (const id of [randomUUID(), 'not-a-uuid']) {
      const missing = await api.alice.request('POST', `/api/v1/schedules/${id}/digest`);
      expect(missing.statusCode, id).toBe(404);
      expect(missing.json().code).toBe('not_found');
    }
    await api.alice.request('POST', `/api/v1/schedules/${fresh.id}/trigger`);
    const foreign = await api.bobAdmin.request('POST', `/api/v1/schedules/${fresh.id}/digest`);
    expect(foreign.statusCode).toBe(404);
    expect((await api.alice.request('GET', '/api/v1/outbox')).json().data).toEqual([]);
  });

  it('pages through the outbox newest first and refuses a tampered cursor with 400 invalid_cursor', async () => {
    await start();
    const { digests } = await seedDigests(api, api.alice, shop.project.id, 3);
    const first = await api.alice.request('GET', '/api/v1/outbox?limit=2');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.data.map((d: { id: string }) => d.id)).toEqual([digests[2].id, digests[1].id]);
    expect(page1.data[0]).not.toHaveProperty('html');
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = (
      await api.alice.request('GET', `/api/v1/outbox?limit=2&cursor=${page1.next_cursor}`)
    ).json();
    expect(page2).toEqual({
      data: [expect.objectContaining({ id: digests[0].id })],
      next_cursor: null,
    });

    const tampered = `${page1.next_cursor.slice(0, -2)}xx`;
    for (const cursor of [tampered, 'not-a-cursor']) {
      const refused = await api.alice.request('GET', `/api/v1/outbox?cursor=${cursor}`);
      expect(refused.statusCode, cursor).toBe(400);
      expect(refused.json()).toMatchObject({
        code: 'invalid_cursor',
        errors: [{ field: '/cursor', code: 'invalid_cursor' }],
      });
    }
    const tooMany = await api.alice.request('GET', '/api/v1/outbox?limit=101');
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors[0].field).toBe('/limit');
  });

  it('reads one digest with its HTML and text, and answers 404 for a missing or another tenant’s digest', async () => {
    await start();
    const { digests } = await seedDigests(api, api.alice, shop.project.id);
    const id = digests[0].id;
    const entry = await api.alice.request('GET', `/api/v1/outbox/${id}`);
    expect(entry.statusCode).toBe(200);
    expect(entry.json().html).toContain('Mailed');
    expect(entry.json().text).toContain('Mailed');
    for (const [caller, url] of [
      [api.alice, `/api/v1/outbox/${randomUUID()}`],
      [api.alice, '/api/v1/outbox/not-a-uuid'],
      [api.bobAdmin, `/api/v1/outbox/${id}`],
    ] as const) {
      const missing = await caller.request('GET', url);
      expect(missing.statusCode, url).toBe(404);
      expect(missing.json().code).toBe('not_found');
    }
    expect((await api.bob.request('GET', '/api/v1/outbox')).json()).toEqual({
      data: [],
      next_cursor: null,
    });
  });

  it('shows admins the mail status (outbox transport, counts, last delivery) and refuses members with 403', async () => {
    await start();
    const { digests } = await seedDigests(api, api.alice, shop.project.id, 2);
    await api.deliverDigests();
    const status = await api.admin.request('GET', '/api/v1/mail/status');
    expect(status.statusCode).toBe(200);
    expect(status.json()).toEqual({
      transport: 'outbox',
      destination: 'outbox',
      from: 'Rota <rota@example.test>',
      counts: { queued: 0, sending: 0, sent: 2, failed: 0 },
      last_delivery: expect.objectContaining({ status: 'sent' }),
      recent_failures: [],
    });
    expect(digests.map((d) => d.id)).toContain(status.json().last_delivery.id);
    const member = await api.alice.request('GET', '/api/v1/mail/status');
    expect([member.statusCode, member.json().code]).toEqual([403, 'forbidden']);
    const narrowed = await api
      .scoped('admin', ['read', 'write'])
      .request('GET', '/api/v1/mail/status');
    expect([narrowed.statusCode, narrowed.json().code]).toEqual([403, 'insufficient_scope']);
    // Another tenant's admin sees its own, empty, figures.
    expect((await api.bobAdmin.request('GET', '/api/v1/mail/status')).json()).toMatchObject({
      counts: { queued: 0, sending: 0, sent: 0, failed: 0 },
      last_delivery: null,
    });
  });

  it('names the SMTP server in the mail status without its user or password', async () => {
    // Nothing is sent: the transport only describes where it would connect.
    transport = smtpTransport('smtp://rota-user:s3cret-pass@127.0.0.1:2525');
    await start(transport);
    const status = await api.admin.request('GET', '/api/v1/mail/status');
    expect(status.json()).toMatchObject({
      transport: 'smtp',
      destination: 'smtp://127.0.0.1:2525',
    });
    expect(status.body).not.toContain('s3cret-pass');
    expect(status.body).not.toContain('rota-user');
  });
});
