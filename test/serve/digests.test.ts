// `serve` sends digests: a due schedule that ticks (with nothing to run, so its tick ends in the
// same scheduler round) leaves its digest in the outbox of a fresh install, or mails it through
// ROTA_SMTP_URL to a real SMTP server on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { SmtpSink } from '../mail/smtp-sink.ts';

const dirs: string[] = [];
const servers: RunningServer[] = [];
let sink: SmtpSink | undefined;
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await sink?.stop();
  sink = undefined;
});

function config(env: Record<string, string> = {}): Config {
  const dir = mkdtempSync(join(tmpdir(), 'rota-digests-'));
  dirs.push(dir);
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'warn',
    ROTA_PUBLIC_URL: 'https://rota.example.test',
    ROTA_MAIL_FROM: 'rota@example.test',
    ...env,
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

/** A schedule due now with no items, whose digests go to ops@example.test. */
async function seedDueSchedule(cfg: Config): Promise<string> {
  const database = openSqlite({ path: join(cfg.dataDir, 'rota.db') });
  try {
    await migrateToLatest(database);
    const now = Date.now();
    const { tenant } = await seedEngineSchedule(database.db, {
      // Yearly, so no other fire time can fall due while the test runs.
      cadence: { type: 'cron', expression: '0 0 1 1 *', timezone: 'UTC' },
      createdAt: now - 120_000,
      nextFireAt: now - 1_000,
      items: 0,
    });
    await database.db
      .updateTable('schedules')
      .set({ digest_config: JSON.stringify({ recipients: ['ops@example.test'] }) })
      .execute();
    return tenant;
  } finally {
    await database.close();
  }
}

/** Polls `check` until it holds, at most `tries` times, 100 ms apart. */
async function eventually<T>(check: () => Promise<T | undefined>, tries = 100): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the condition did not hold in time');
}

describe('rota serve and digests', () => {
  it('keeps a tick’s digest in the built-in outbox when no SMTP server is configured', async () => {
    const cfg = config();
    const tenant = await seedDueSchedule(cfg);
    const server = await serve(cfg, { role: 'all', logDestination: { write: () => undefined } });
    servers.push(server);
    const digest = await eventually(async () => {
      const { data } = await server.mail.listOutbox(tenant, { limit: 10 });
      return data[0]?.status === 'sent' ? data[0] : undefined;
    });
    expect(digest).toMatchObject({ kind: 'tick', transport: 'outbox' });
    expect(digest.subject).toContain('[Rota] checks: No run started');
    const entry = await server.mail.readOutboxEntry(tenant, digest.id);
    expect(entry?.text).toContain('Schedule: https://rota.example.test/schedules/');
    const status = await server.mail.mailStatus(tenant);
    expect(status).toMatchObject({ transport: 'outbox', counts: { sent: 1 } });
  });

  it('mails a tick’s digest through ROTA_SMTP_URL', async () => {
    sink = await SmtpSink.start({ auth: { user: 'rota', pass: 'secret' } });
    const cfg = config({ ROTA_SMTP_URL: sink.url });
    const tenant = await seedDueSchedule(cfg);
    const server = await serve(cfg, { role: 'all', logDestination: { write: () => undefined } });
    servers.push(server);
    const mail = await eventually(async () => Promise.resolve(sink?.received[0]));
    expect(mail.envelope).toEqual({ from: 'rota@example.test', to: ['ops@example.test'] });
    expect(mail.parsed.subject).toContain('[Rota] checks: No run started');
    const status = await server.mail.mailStatus(tenant);
    expect(status).toMatchObject({
      transport: 'smtp',
      destination: `smtp://127.0.0.1:${sink.port}`,
      counts: { sent: 1 },
    });
    expect(status.last_delivery?.message_id).toBe(mail.parsed.messageId);
  });
});
