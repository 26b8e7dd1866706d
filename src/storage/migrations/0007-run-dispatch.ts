// Runs under a lease, by when it runs out: every worker poll and scheduler round asks which leases
// expired, and without an index that question read the whole runs table each time. And a run's
// dispatch time: a jittered tick's runs wait in the queue until it (SPEC section 2,
// `jitter_seconds`); null means at once.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const runDispatch = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createIndex('runs_leased')
      .on('runs')
      .columns(['lease_until'])
      .where(sql.ref('status'), '=', 'running')
      .execute();
    await db.schema.alterTable('runs').addColumn('dispatch_at', 'bigint').execute();
    // The worker's "when is the next held-back run due?" reads only the runs held back.
    await db.schema
      .createIndex('runs_held_back')
      .on('runs')
      .columns(['dispatch_at'])
      .where(sql<boolean>`status = 'queued' and dispatch_at is not null`)
      .execute();
  },
});
