// The example digest in docs/examples/: the fixture tick (test/fixtures/example-tick.ts) written
// to an in-memory SQLite database, ended by the engine, and composed by the mailer's own path,
// with fixed ids so that the output is the same on every run.
import { endTicks } from '../src/engine/tick-ender.ts';
import type { ComposedDigest } from '../src/mail/compose-digest.ts';
import { withContent } from '../src/mail/digest-content.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { openSqlite } from '../src/storage/sqlite/sqlite-database.ts';
import { EXAMPLE_FIRE_TIME, seedExampleTick } from '../test/fixtures/example-tick.ts';
import { schedulerStore } from '../src/storage/scheduler-storage.ts';
import { mailStore } from '../src/storage/mail-storage.ts';
import { digestRecord } from '../src/storage/digests/digest-rows.ts';

export const EXAMPLE_FILES = {
  html: 'docs/examples/digest.html',
  text: 'docs/examples/digest.txt',
} as const;

export async function exampleDigest(): Promise<ComposedDigest> {
  const database = openSqlite({ path: ':memory:' });
  try {
    await migrateToLatest(database);
    let counter = 0;
    const newId = () => `00000000-0000-7000-8000-${String(++counter).padStart(12, '0')}`;
    await seedExampleTick(database, {
      digestConfig: { recipients: ['ops@example.com'], min_severity: 'low' },
      newId,
    });
    const endedAt = EXAMPLE_FIRE_TIME + 5 * 60_000;
    await endTicks(schedulerStore(database).ticks, endedAt);
    const queued = digestRecord(
      await database.db.selectFrom('digests').selectAll().executeTakeFirstOrThrow(),
    );
    const digest = await withContent(
      {
        store: mailStore(database),
        publicUrl: 'https://rota.example.com',
        mailFrom: 'Rota <rota@example.com>',
        now: () => endedAt,
      },
      queued,
    );
    if (digest?.subject == null || digest.html === null || digest.text === null)
      throw new Error('the example digest was not composed');
    return { subject: digest.subject, html: digest.html, text: digest.text };
  } finally {
    await database.close();
  }
}
