// Migrations are all-or-nothing on both databases: a migration that fails part-way leaves no
// table behind, and the next try starts clean.
import type { Kysely } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { applyMigrations, MIGRATIONS } from '../../src/storage/migrate.ts';
import { describeEachDatabase, describePostgres, type TestDatabase } from './databases.ts';

describeEachDatabase('migrations', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('rolls a failed migration back whole, and applies it cleanly once fixed', async () => {
    current = await fresh();
    const { database } = current;
    let fail = true;
    const migrations = {
      ...MIGRATIONS,
      '9001-extra': () => ({
        async up(db: Kysely<unknown>) {
          await db.schema
            .createTable('extra_one')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .execute();
          if (fail) throw new Error('boom half-way');
          await db.schema
            .createTable('extra_two')
            .addColumn('id', 'text', (c) => c.primaryKey())
            .execute();
        },
      }),
    };
    await expect(applyMigrations(database, migrations)).rejects.toThrow(/boom half-way/);
    const names = async () => (await database.db.introspection.getTables()).map((t) => t.name);
    expect(await names()).not.toContain('extra_one');
    fail = false;
    expect(await applyMigrations(database, migrations)).toEqual({ applied: ['9001-extra'] });
    expect(await names()).toEqual(expect.arrayContaining(['extra_one', 'extra_two']));
  });
});

describePostgres('migrations beside another schema', (fresh) => {
  it('migrates a schema while another schema of the same database already holds Rota tables', async () => {
    const first = await fresh(); // migrated: its schema has the bookkeeping tables
    const second = await fresh(); // migrated with the first one's tables in sight
    try {
      const tables = await second.database.db.introspection.getTables();
      expect(tables.map((t) => t.name)).toContain('schedules');
      expect(await applyMigrations(second.database, MIGRATIONS)).toEqual({ applied: [] });
    } finally {
      await first.dispose();
      await second.dispose();
    }
  });
});
