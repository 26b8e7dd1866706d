// People (SPEC section 7, issue 13): local users and their sessions, the scheduling app each
// registered tenant gets (an OAuth client for the authorisation-code flow), the per-attempt state
// of the Authorize popup, authorisation codes, the grants users give Rota to act for them while
// they are away, and the tenant's append-only audit log. Secrets are stored as digests (session
// ids, states, codes, refresh tokens) or sealed under ROTA_SECRET_KEY where Rota must use them
// again (the PKCE verifier, the grant's current refresh token, the scheduling app's secret).
import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

export const people = (): Migration => ({
  async up(db: Db): Promise<void> {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) =>
        c.notNull().references('tenants.id').onDelete('cascade'),
      )
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('last_sign_in_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('users_email_per_tenant')
      .on('users')
      .columns(['tenant_id', 'email'])
      .unique()
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id_digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf_token', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_by_user').on('sessions').column('user_id').execute();

    // The scheduling app: what kind of client, what it may ask for, and where codes go back to.
    await db.schema
      .alterTable('oauth_clients')
      .addColumn('kind', 'text', (c) => c.notNull().defaultTo('machine'))
      .execute();
    await db.schema
      .alterTable('oauth_clients')
      .addColumn('grant_types', 'text', (c) => c.notNull().defaultTo('["client_credentials"]'))
      .execute();
    await db.schema.alterTable('oauth_clients').addColumn('redirect_uri', 'text').execute();
    await db.schema.alterTable('oauth_clients').addColumn('secret_sealed', 'text').execute();
    await db.schema
      .createIndex('oauth_clients_one_scheduling_app')
      .on('oauth_clients')
      .column('tenant_id')
      .unique()
      .where(sql<boolean>`kind = 'scheduling_app'`)
      .execute();

    await db.schema
      .createTable('authorization_attempts')
      .addColumn('state_digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('session_digest', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('verifier_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .execute();

    await db.schema
      .createTable('authorization_codes')
      .addColumn('code_digest', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('code_challenge', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('grant_id', 'text')
      .execute();

    await db.schema
      .createTable('grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('refresh_digest', 'text', (c) => c.notNull())
      .addColumn('refresh_sealed', 'text', (c) => c.notNull())
      .addColumn('refresh_generation', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('refreshed_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('revoked_reason', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('grants_by_user')
      .on('grants')
      .columns(['tenant_id', 'user_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_kind', 'text')
      .addColumn('target_id', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('detail', 'text')
      .execute();
    await db.schema
      .createIndex('audit_log_by_tenant')
      .on('audit_log')
      .columns(['tenant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_log_by_action')
      .on('audit_log')
      .columns(['tenant_id', 'action', 'id'])
      .execute();
  },
});
