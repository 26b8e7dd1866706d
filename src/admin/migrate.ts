// `rota migrate`: the configured database's schema brought up to date, no server needed.
import type { Config } from '../config.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { describeLocation, withConfiguredDatabase } from '../serve/configured-database.ts';

export interface MigrateResult {
  /** Where the database is, without credentials. */
  readonly location: string;
  readonly applied: readonly string[];
}

export function migrate(config: Config): Promise<MigrateResult> {
  return withConfiguredDatabase(config, async (database) => {
    const { applied } = await migrateToLatest(database);
    return { location: describeLocation(config), applied };
  });
}
