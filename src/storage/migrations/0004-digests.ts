// Digests and their delivery (SPEC section 8): one row per digest, queued in the transaction
// that ends its tick (at most one per tick, by a partial unique index) or by a force-send, then
// claimed by a mailer with a lease and a fencing token, like runs. Ticks record when their digest
// was decided, so a tick written already ended (it started no run) is found and decided once.
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const digests = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createTable('digests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) =>
        c.notNull().references('tenants.id').onDelete('cascade'),
      )
      .addColumn('schedule_id', 'text', (c) =>
        c.notNull().references('schedules.id').onDelete('cascade'),
      )
      .addColumn('tick_id', 'text', (c) => c.notNull().references('ticks.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('recipients', 'text', (c) => c.notNull())
      .addColumn('min_severity', 'text')
      .addColumn('notice', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text')
      .addColumn('subject', 'text')
      .addColumn('html', 'text')
      .addColumn('text', 'text')
      .addColumn('transport', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('last_response', 'text')
      .addColumn('last_error', 'text')
      .addColumn('sent_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // A tick ended once, so it is digested once, however often ending it is retried.
    await db.schema
      .createIndex('digests_one_per_tick')
      .unique()
      .on('digests')
      .columns(['tick_id'])
      .where(sql.ref('kind'), '=', 'tick')
      .execute();
    await db.schema
      .createIndex('digests_due')
      .on('digests')
      .columns(['next_attempt_at'])
      .where(sql.ref('status'), '=', 'queued')
      .execute();
    await db.schema.alterTable('ticks').addColumn('digest_considered_at', 'bigint').execute();
    // History before digests existed is not digested now.
    await db
      .updateTable('ticks')
      .set({ digest_considered_at: sql.ref('ended_at') })
      .where('outcome', 'is not', null)
      .execute();
    await db.schema
      .createIndex('ticks_digest_undecided')
      .on('ticks')
      .columns(['created_at'])
      .where(sql.ref('digest_considered_at'), 'is', null)
      .execute();
    await db.schema
      .createIndex('digests_by_tenant')
      .on('digests')
      .columns(['tenant_id', 'created_at'])
      .execute();
  },
});
