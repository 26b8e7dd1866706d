// The databases every storage contract test runs against: a fresh SQLite file, and a fresh
// schema on a real PostgreSQL server. Without a reachable server the PostgreSQL leg is skipped
// with a loud warning, unless ROTA_REQUIRE_POSTGRES=1 (set by .ci/run) makes that a failure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openPostgres } from '../../src/storage/postgres/postgres-database.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';

export const POSTGRES_URL =
  process.env.ROTA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await postgresReachable();
if (unreachable !== undefined) {
  const message = `PostgreSQL at ${POSTGRES_URL} is unreachable (${unreachable}).`;
  if (process.env.ROTA_REQUIRE_POSTGRES === '1')
    throw new Error(`${message} ROTA_REQUIRE_POSTGRES=1.`);
  console.warn(
    `\n!!! ${message} SKIPPING every PostgreSQL contract test. Run scripts/ensure-postgres.sh.\n`,
  );
}

/** Where a test database is, for another process to open it. */
export type DatabaseSpec =
  { readonly sqlite: string } | { readonly postgres: string; readonly schema: string };

export interface TestDatabase {
  readonly database: Database;
  readonly spec: DatabaseSpec;
  /** Another, independent connection to the same database: a second replica or process. */
  reopen(): Database;
  /** Closes the connection and removes the file or schema. */
  dispose(): Promise<void>;
}

let counter = 0;

async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'rota-test-'));
  const path = join(dir, 'rota.db');
  const database = openSqlite({ path });
  await migrateToLatest(database);
  return {
    database,
    spec: { sqlite: path },
    reopen: () => openSqlite({ path }),
    dispose: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresDatabase(): Promise<TestDatabase> {
  // Each test gets its own schema, so runs never see each other's rows.
  const schema = `rota_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const database = openPostgres({ url: POSTGRES_URL, schema, maxConnections: 4 });
  await migrateToLatest(database);
  return {
    database,
    spec: { postgres: POSTGRES_URL, schema },
    reopen: () => openPostgres({ url: POSTGRES_URL, schema, maxConnections: 4 }),
    dispose: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

/** Declares a suite once per database; `fresh()` gives each test its own migrated database. */
export function describeEachDatabase(
  title: string,
  suite: (fresh: () => Promise<TestDatabase>) => void,
): void {
  describe(`${title} (SQLite)`, () => suite(sqliteDatabase));
  (unreachable === undefined ? describe : describe.skip)(`${title} (PostgreSQL)`, () =>
    suite(postgresDatabase),
  );
}

/** Declares a suite for PostgreSQL alone: behaviour only several connections can show. */
export function describePostgres(
  title: string,
  suite: (fresh: () => Promise<TestDatabase>) => void,
): void {
  (unreachable === undefined ? describe : describe.skip)(`${title} (PostgreSQL)`, () =>
    suite(postgresDatabase),
  );
}
