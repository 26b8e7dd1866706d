// Runs under a lease, by when it runs out: every worker poll and scheduler round asks which leases
// expired, and without this index that question read the whole runs table each time.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const leaseIndex = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createIndex('runs_leased')
      .on('runs')
      .columns(['lease_until'])
      .where(sql.ref('status'), '=', 'running')
      .execute();
  },
});
