// Origins the operator allowed one by one past the outbound guard, beside ROTA_OUTBOUND_ALLOW:
// kept in the database so every worker replica sees them (`rota demo` writes its own site's).
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const outboundOrigins = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createTable('outbound_origins')
      .addColumn('origin', 'text', (c) => c.primaryKey())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
  },
});
