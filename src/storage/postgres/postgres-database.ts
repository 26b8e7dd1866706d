// PostgreSQL for several replicas. BIGINT columns hold epoch milliseconds, which fit a double
// exactly, so they are read as numbers; `schema` isolates a test run's tables.
import pg from 'pg';
import { Kysely, PostgresDialect, sql, type DatabaseIntrospector } from 'kysely';
import { flatCoordination, type Coordination, type Database } from '../database.ts';
import type { Schema } from '../schema.ts';
import { CurrentSchemaIntrospector } from './current-schema-introspector.ts';
import { postgresStatements } from './postgres-statements.ts';
import { listenForRunsQueued, notifyRunsQueued, runsQueuedChannel } from './run-notifications.ts';

const INT8_OID = 20;

/** This pool's type parsers: BIGINT as a number; nothing global is changed. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(
          oid,
          format,
        )) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresOptions {
  /**
   * Told about errors on idle pooled connections and on the connection listening for queued runs
   * (default: ignored; the pool replaces the one, the other is reconnected).
   */
  readonly onIdleError?: (error: Error) => void;
  /** `postgres://user@host:port/database`. */
  readonly url: string;
  /** Tables live in this (existing) schema; default `public`. */
  readonly schema?: string;
  readonly maxConnections?: number;
  /** The first wait before the queued-runs listener listens again after a loss (default 0.5 s). */
  readonly listenRetryMs?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function openPostgres({
  url,
  schema,
  maxConnections = 10,
  listenRetryMs,
  onIdleError = () => undefined,
}: PostgresOptions): Database {
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
    types,
  });
  // An idle connection the server dropped must not take the process down; the pool replaces it.
  pool.on('error', (error) => onIdleError(error));
  const db = new Kysely<Schema>({ dialect: new CurrentSchemaDialect({ pool }) });
  const channel = runsQueuedChannel(schema);
  const coordination: Coordination = {
    singleProcess: false,
    claimable: (query) => query.forUpdate().skipLocked(),
    exclusiveLock: (query) => query.forNoKeyUpdate(),
    sharedLock: (query) => query.forShare(),
    runsQueued: (executor) => notifyRunsQueued(executor, channel),
    onRunsQueued: (listener) =>
      listenForRunsQueued({
        url,
        channel,
        listener,
        onError: onIdleError,
        ...(listenRetryMs === undefined ? {} : { retryFirstMs: listenRetryMs }),
      }),
  };
  return {
    db,
    dialect: 'postgres',
    coordination,
    ...flatCoordination(coordination),
    statements: postgresStatements,
    readTime: async () => {
      const { rows } = await sql<{
        ms: number;
      }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`.execute(db);
      return Math.round(Number(rows[0]?.ms));
    },
    migrationSchema: () => currentSchema(db),
    write: (work) => db.transaction().execute(work),
    close: () => db.destroy(),
  };
}

/** PostgreSQL whose introspection (the migrator's "do my tables exist?") sees its own schema only. */
class CurrentSchemaDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

/** The schema this connection's unqualified names resolve to (its search_path's first). */
async function currentSchema(db: Kysely<Schema>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(
    db,
  );
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null)
    throw new Error('migration failed: the PostgreSQL search_path names no existing schema');
  return schema;
}
