// Numbered migrations, applied in order on start or by `rota migrate`. Each is code (no SQL
// files), given the dialect for the few types that differ; each runs in its own transaction on
// both databases, so a failed one leaves nothing behind; a migration, once released, never changes.
import { Migrator, type Migration } from 'kysely/migration';
import type { Database, Dialect } from './database.ts';
import { initial } from './migrations/0001-initial.ts';
import { scheduleClaims } from './migrations/0002-schedule-claims.ts';
import { outboundOrigins } from './migrations/0003-outbound-origins.ts';
import { digests } from './migrations/0004-digests.ts';
import { identity } from './migrations/0005-identity.ts';
import { api } from './migrations/0006-api.ts';
import { runDispatch } from './migrations/0007-run-dispatch.ts';
import { runHistory } from './migrations/0008-run-history.ts';
import { userScheduling } from './migrations/0009-user-scheduling.ts';
import { steadyStateReads } from './migrations/0010-steady-state-reads.ts';
import { revisions } from './migrations/0011-revisions.ts';
import { people } from './migrations/0012-people.ts';

export type MigrationSet = Readonly<Record<string, (dialect: Dialect) => Migration>>;

export const MIGRATIONS: MigrationSet = {
  '0001-initial': initial,
  '0002-schedule-claims': scheduleClaims,
  '0003-outbound-origins': outboundOrigins,
  '0004-digests': digests,
  '0005-identity': identity,
  '0006-api': api,
  '0007-run-dispatch': runDispatch,
  '0008-run-history': runHistory,
  '0009-user-scheduling': userScheduling,
  '0010-steady-state-reads': steadyStateReads,
  '0011-revisions': revisions,
  '0012-people': people,
};

export interface MigrationOutcome {
  /** Names of the migrations this call applied, in order. */
  readonly applied: readonly string[];
}

export function migrateToLatest(database: Database): Promise<MigrationOutcome> {
  return applyMigrations(database, MIGRATIONS);
}

/** Applies the pending ones of `migrations`, in name order. */
export async function applyMigrations(
  database: Database,
  migrations: MigrationSet,
): Promise<MigrationOutcome> {
  const schema = await database.migrationSchema();
  const migrator = new Migrator({
    db: database.db,
    // Kysely looks for its bookkeeping tables in every schema unless told which one: another
    // schema's Rota tables in the same PostgreSQL database would pass for ours.
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(
            Object.entries(migrations).map(([name, m]) => [name, m(database.dialect)]),
          ),
        ),
    },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const reason = error instanceof Error ? error.message : JSON.stringify(error);
    throw new Error(`migration failed: ${reason}`, { cause: error });
  }
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
