// Optimistic concurrency for the REST API (ADR 45): every resource a client edits carries a
// `revision` that each write through the API adds one to, the validator its `ETag` is made of and
// that `If-Match` is checked against inside the UPDATE or DELETE itself. Existing rows start at 1.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const EDITED = ['agents', 'tools', 'journeys', 'test_plans', 'schedules', 'schedule_items'];

export const revisions = (): Migration => ({
  async up(db: Db): Promise<void> {
    for (const table of EDITED)
      await db.schema
        .alterTable(table)
        .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
  },
});
