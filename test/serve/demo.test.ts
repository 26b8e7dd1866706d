// `rota demo` then `rota serve`: the demo schedule's runs walk the demo shop Rota serves itself,
// allowed through the outbound guard by the one origin the demo wrote, with no ROTA_OUTBOUND_ALLOW,
// and each tick's digest lands in the outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.test-helpers.ts';
import { loadConfig } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let dir: string | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it('creates a demo whose schedule runs real journeys against the demo shop, once, and mails their digests to the outbox', async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-demo-'));
  const env = {
    ROTA_DATA_DIR: dir,
    ROTA_PORT: String(await freePort()),
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'warn',
  };
  const created = await runCli(['demo', '--json'], env);
  expect(created.code).toBe(0);
  // Nothing serves yet: the demo says which address its journeys will call.
  expect(created.stderr).toContain(
    `warning: nothing answers at http://127.0.0.1:${env.ROTA_PORT} yet`,
  );
  expect(created.stderr).toContain(`serve Rota with ROTA_PORT=${env.ROTA_PORT}`);
  const first = JSON.parse(created.stdout) as Record<string, unknown>;
  expect(first).toMatchObject({
    created: true,
    site_url: `http://127.0.0.1:${env.ROTA_PORT}/demo/shop`,
  });
  const again = JSON.parse((await runCli(['demo', '--json'], env)).stdout) as Record<
    string,
    unknown
  >;
  expect(again).toMatchObject({ created: false, schedule_id: first.schedule_id });

  const database = openSqlite({ path: join(dir, 'rota.db') });
  try {
    // Due now (the minute that began last, a real fire time) rather than at the next minute,
    // so the test does not wait for the clock.
    await database.db
      .updateTable('schedules')
      .set({ next_fire_at: Math.floor(Date.now() / 60_000) * 60_000 })
      .execute();
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error('config');
    server = await serve(loaded.config, {
      role: 'all',
      logDestination: { write: () => undefined },
    });
    let run;
    for (let i = 0; i < 100 && run === undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      run = await database.db
        .selectFrom('runs')
        .select(['id', 'status', 'target_kind', 'error_code'])
        .where('status', 'in', ['completed', 'failed'])
        .executeTakeFirst();
    }
    // The test plan has the highest priority: the first tick runs it, one step per journey.
    if (run === undefined) throw new Error('no demo run ended within 10 s');
    expect(run).toMatchObject({ status: 'completed', target_kind: 'test_plan', error_code: null });
    const steps = await database.db
      .selectFrom('run_steps')
      .select(['name', 'status'])
      .where('run_id', '=', run.id)
      .orderBy('position')
      .execute();
    expect(steps.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    const logs = await database.db.selectFrom('step_logs').select('message').execute();
    expect(logs.some((l) => l.message.includes('/demo/shop/cart → 200'))).toBe(true);

    // The schedule mails its digests to the outbox (no ROTA_SMTP_URL). Its ticks end at the next
    // scheduler round, up to a minute away, so the test force-sends the tick's digest instead:
    // refused unless the demo enabled digests, and delivered by the mailer it wakes.
    const { id: tenantId } = await database.db
      .selectFrom('tenants')
      .select('id')
      .executeTakeFirstOrThrow();
    const forced = await server.mail.forceDigest(String(first.schedule_id), tenantId);
    if (forced === undefined) throw new Error('the demo schedule is gone');
    let digest;
    for (let i = 0; i < 100 && digest?.status !== 'sent'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      digest = await server.mail.readOutboxEntry(tenantId, forced.id);
    }
    if (digest?.status !== 'sent') throw new Error('the demo digest reached no outbox within 10 s');
    expect(digest).toMatchObject({
      transport: 'outbox',
      recipients: ['team@example.com'],
      schedule_id: first.schedule_id,
    });
  } finally {
    await database.close();
  }
});
