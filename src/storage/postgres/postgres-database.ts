// PostgreSQL for several replicas. BIGINT columns hold epoch milliseconds, which fit a double
// exactly, so they are read as numbers; `schema` isolates a test run's tables.
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../database.ts';
import type { Schema } from '../schema.ts';

const INT8_OID = 20;
pg.types.setTypeParser(INT8_OID, (value) => Number(value));

export interface PostgresOptions {
  /** `postgres://user@host:port/database`. */
  readonly url: string;
  /** Tables live in this schema (created if missing); default `public`. */
  readonly schema?: string;
  readonly maxConnections?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function openPostgres({ url, schema, maxConnections = 10 }: PostgresOptions): Database {
  if (schema !== undefined && !IDENTIFIER.test(schema)) {
    throw new Error(`openPostgres: "${schema}" is not a plain lower-case schema name`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    // Never wait forever on a lock or a stuck transaction (research/reliability.md §0.7).
    options: `-c lock_timeout=10000 -c idle_in_transaction_session_timeout=60000${
      schema ? ` -c search_path=${schema}` : ''
    }`,
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    claimable: (query) => query.forUpdate().skipLocked(),
    write: (work) => db.transaction().execute(work),
    close: () => db.destroy(),
  };
}
