// A database Rota talks to: one typed Kysely instance over SQLite or PostgreSQL. Only the
// mirrored sqlite/ and postgres/ folders know which; everything else sees this interface.
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /** Runs `work` in one write transaction: all of it commits, or none of it. */
  write<T>(work: (trx: Kysely<Schema>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
