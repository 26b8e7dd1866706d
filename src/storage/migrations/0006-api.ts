// The REST API: stored answers to requests sent with an `Idempotency-Key` (ADR 15), and indexes
// for the tenant-scoped lists the API pages through in id order.
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

const LISTED = ['projects', 'agents', 'tools', 'journeys', 'test_plans', 'schedules'];

export const api = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createTable('idempotency_keys')
      .addColumn('tenant_id', 'text', (c) =>
        c.notNull().references('tenants.id').onDelete('cascade'),
      )
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['tenant_id', 'key'])
      .execute();
    await db.schema
      .createIndex('idempotency_keys_by_age')
      .on('idempotency_keys')
      .column('created_at')
      .execute();
    for (const table of LISTED)
      await db.schema
        .createIndex(`${table}_by_tenant`)
        .on(table)
        .columns(['tenant_id', 'id'])
        .execute();
  },
});
