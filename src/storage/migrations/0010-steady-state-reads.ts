// Reads that must not grow with history. With 90 days of runs kept, the firing path's two
// questions (which of these schedules' items have a live run? what has the tenant spent today?)
// were each answered by reading every run the schedules or the tenant ever had. Live runs get a
// partial index of their own, and the tenant's runs are indexed by `queued_at`, which is what
// spend and coverage ask about (nothing reads the tenant's runs by `created_at`). `runs_by_tick`
// goes: the unique `runs_one_per_tick_item` index starts with the same column.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const steadyStateReads = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createIndex('runs_live_by_schedule')
      .on('runs')
      .columns(['schedule_id'])
      .where(sql<boolean>`status in ('queued', 'running')`)
      .execute();
    await db.schema
      .createIndex('runs_by_tenant_queued')
      .on('runs')
      .columns(['tenant_id', 'queued_at'])
      .execute();
    await db.schema.dropIndex('runs_by_tenant').execute();
    await db.schema.dropIndex('runs_by_tick').execute();
  },
});
