// SQLite's group commit: write transactions that wait while one commits share the next commit,
// each in a savepoint of its own, and none is told it committed before the COMMIT returned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { T0 } from './fixtures.ts';

describe('group commit (SQLite)', () => {
  let dir: string;
  let database: Database;
  /** Statements and settled writes, in the order they happened. */
  let events: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rota-group-'));
    database = openSqlite({
      path: join(dir, 'rota.db'),
      onQuery: (text) => {
        if (/^(begin|commit|rollback)\b/i.test(text)) events.push(text.split(' ')[0]!);
      },
    });
    await migrateToLatest(database);
    events = [];
  });

  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const addTenant = (name: string) =>
    database.write(async (trx) => {
      await trx
        .insertInto('tenants')
        .values({ id: name, name, timezone: 'UTC', created_at: T0, updated_at: T0 })
        .execute();
      return name;
    });

  const tenantNames = async () =>
    (await database.db.selectFrom('tenants').select('name').orderBy('name').execute()).map(
      (t) => t.name,
    );

  it('commits a lone write at once and the writes that waited for it together', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const written = await Promise.all(
      names.map((name) => addTenant(name).then((value) => (events.push('settled'), value))),
    );
    expect(written).toEqual(names);
    expect(await tenantNames()).toEqual(names);
    // The first began alone; the 49 asked for meanwhile shared one transaction.
    expect(events.filter((e) => e === 'begin')).toHaveLength(2);
    expect(events.filter((e) => e === 'commit')).toHaveLength(2);
    // Nobody heard "committed" before the commit that holds their write.
    expect(events.indexOf('settled')).toBeGreaterThan(events.indexOf('commit'));
    expect(events.lastIndexOf('settled')).toBeGreaterThan(events.lastIndexOf('commit'));
  });

  it('rolls back a failing write alone; the others of its group commit', async () => {
    const first = addTenant('first');
    const failing = database.write(async (trx) => {
      await trx
        .insertInto('tenants')
        .values({ id: 'doomed', name: 'doomed', timezone: 'UTC', created_at: T0, updated_at: T0 })
        .execute();
      throw new Error('this write changes its mind');
    });
    const after = addTenant('after');
    const before = addTenant('before');
    await expect(failing).rejects.toThrow('this write changes its mind');
    expect(await Promise.all([first, after, before])).toEqual(['first', 'after', 'before']);
    expect(await tenantNames()).toEqual(['after', 'before', 'first']);
    expect(events.filter((e) => e === 'commit')).toHaveLength(2);
  });

  it('fails the whole group, with the cause, when SQLite ended its transaction', async () => {
    const first = addTenant('first');
    const kept = addTenant('lost-with-the-group');
    // As SQLite does on a full disk or an I/O error: the transaction is gone mid-group.
    const ending = database.write(async (trx) => {
      await sql`rollback`.execute(trx);
      throw new Error('disk full');
    });
    const later = addTenant('lost-too');
    await expect(first).resolves.toBe('first');
    await expect(kept).rejects.toThrow('disk full');
    await expect(ending).rejects.toThrow('disk full');
    await expect(later).rejects.toThrow('disk full');
    expect(await tenantNames()).toEqual(['first']);
    // The database takes writes again afterwards.
    await expect(addTenant('again')).resolves.toBe('again');
  });
});
