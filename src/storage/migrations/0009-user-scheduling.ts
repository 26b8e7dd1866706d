// Scheduling on behalf of users, enabled per tenant by an admin (seed 1 step 2, SPEC section 7):
// when it was first registered; null until then.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const userScheduling = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .alterTable('tenants')
      .addColumn('user_scheduling_enabled_at', 'bigint')
      .execute();
  },
});
