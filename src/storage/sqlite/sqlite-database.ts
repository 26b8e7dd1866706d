// The embedded default: one SQLite file in WAL mode. One writer at a time; write transactions
// take the lock up front (BEGIN IMMEDIATE through better-sqlite3's single connection, which
// Kysely serialises) and those waiting meanwhile share the next commit (group-commit.ts); foreign
// keys on, and a busy timeout instead of errors.
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  sql,
  SqliteAdapter,
  SqliteDialect,
  type DialectAdapter,
  type SqliteDatabase,
} from 'kysely';
import { flatCoordination, type Coordination, type Database } from '../database.ts';
import type { Schema } from '../schema.ts';
import { GroupCommit } from './group-commit.ts';
import { sqliteStatements } from './sqlite-statements.ts';

export interface SqliteOptions {
  /** A file path, or ":memory:". */
  readonly path: string;
  readonly busyTimeoutMs?: number;
  /** Called with every statement run, as sent (tests read query plans with it). */
  readonly onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}

export function openSqlite({ path, busyTimeoutMs = 5_000, onQuery }: SqliteOptions): Database {
  const sqlite = new BetterSqlite3(path, { timeout: busyTimeoutMs });
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed tick or run survives a power cut, not only a crash (ADR 10).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Schema>({
    dialect: new AtomicDdlSqliteDialect({ database: cachingStatements(sqlite) }),
    ...(onQuery === undefined
      ? {}
      : { log: (event) => onQuery(event.query.sql, event.query.parameters) }),
  });
  // One process holds the scheduler and its workers (SPEC section 11): queued runs are news
  // only here. A listener's reads wait for the writing transaction to end on the one connection.
  const listeners = new Set<() => void>();
  const writes = new GroupCommit(db);
  const coordination: Coordination = {
    singleProcess: true,
    // BEGIN IMMEDIATE already holds the only write lock: nothing else can claim meanwhile.
    claimable: (query) => query,
    exclusiveLock: (query) => query,
    sharedLock: (query) => query,
    runsQueued: () => {
      for (const listener of listeners) setImmediate(listener);
      return Promise.resolve();
    },
    onRunsQueued: (listener) => {
      const own = () => listener();
      listeners.add(own);
      return Promise.resolve(() => {
        listeners.delete(own);
        return Promise.resolve();
      });
    },
  };
  return {
    db,
    dialect: 'sqlite',
    coordination,
    ...flatCoordination(coordination),
    statements: sqliteStatements,
    readTime: async () => {
      const { rows } = await sql<{ ms: number }>`select unixepoch('subsec') * 1000 as ms`.execute(
        db,
      );
      return Math.round(Number(rows[0]?.ms));
    },
    migrationSchema: () => Promise.resolve(undefined),
    write: (work) => writes.write(work),
    close: () => db.destroy(),
  };
}

const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 compiles a statement on every prepare(), and Kysely prepares on every query. The
 * firing path sends the same statements thousands of times (an advance per schedule, 500-row
 * inserts of 15,000 parameters): compiling each once saves much of their cost. A statement still
 * busy (a query iterating it) is not handed out twice; the least recently used are let go.
 */
function cachingStatements(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached !== undefined && !cached.busy) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = sqlite.prepare(text);
      cache.set(text, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

/** SQLite runs DDL inside transactions; saying so makes each migration all-or-nothing. */
class AtomicDdlAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class AtomicDdlSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new AtomicDdlAdapter();
  }
}
