// Schedule claims: a scheduler takes due schedules for a short while (`claimed_until`) in one
// short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL), then plans and writes their ticks
// outside it. Replicas never work on the same schedule at once, and a scheduler killed between
// claiming and writing leaves a claim that simply runs out (SPEC section 11).
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const scheduleClaims = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema.alterTable('schedules').addColumn('claimed_by', 'text').execute();
    await db.schema.alterTable('schedules').addColumn('claimed_until', 'bigint').execute();
  },
});
