// The API's run history (ADR 18): indexes for a schedule's audit trail, read newest first by the
// time each entry covers, and for the tenant's runs, listed newest first by id.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const runHistory = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createIndex('ticks_by_schedule_fire_time')
      .on('ticks')
      .columns(['schedule_id', 'fire_time', 'id'])
      .execute();
    await db.schema
      .createIndex('missed_by_schedule_to_time')
      .on('missed_fire_times')
      .columns(['schedule_id', 'to_time', 'id'])
      .execute();
    await db.schema
      .createIndex('runs_by_tenant_id')
      .on('runs')
      .columns(['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('runs_by_schedule_id')
      .on('runs')
      .columns(['schedule_id', 'id'])
      .execute();
  },
});
