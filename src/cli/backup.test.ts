import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cli.test-helpers.ts';

describe('rota backup', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('copies the embedded database into a file that opens with the same schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rota-backup-'));
    dirs.push(dir);
    const env = { ROTA_DATA_DIR: join(dir, 'data') };
    await runCli(['migrate'], env);
    const target = join(dir, 'copy.db');
    const result = await runCli(['backup', target], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rota\.db → .*copy\.db: \d+ pages\n$/);
    const copy = new BetterSqlite3(target, { readonly: true });
    const names = copy
      .prepare("select name from sqlite_master where type = 'table' and name = 'ticks'")
      .all();
    copy.close();
    expect(names).toEqual([{ name: 'ticks' }]);
  });

  it('explains that PostgreSQL is backed up with pg_dump', async () => {
    const result = await runCli(['backup', '/tmp/never.db'], {
      ROTA_DATABASE_URL: 'postgres://rota@127.0.0.1:5432/rota',
      ROTA_SECRET_KEY: 'k'.repeat(32),
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'error: rota backup copies the embedded SQLite database; back PostgreSQL up with pg_dump.\n',
    });
  });
});
