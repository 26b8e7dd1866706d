import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './cli.test-helpers.ts';

describe('rota migrate', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the embedded database in the data directory, then finds it up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rota-migrate-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const first = await runCli(['migrate'], { ROTA_DATA_DIR: dataDir });
    expect(first).toEqual({
      code: 0,
      stdout: `${dataDir}/rota.db: applied 0001-initial, 0002-schedule-claims, 0003-outbound-origins, 0004-digests, 0005-identity, 0006-api, 0007-run-dispatch, 0008-run-history, 0009-user-scheduling, 0010-steady-state-reads, 0011-revisions, 0012-people\n`,
      stderr: '',
    });
    expect(existsSync(join(dataDir, 'rota.db'))).toBe(true);
    const second = await runCli(['migrate'], { ROTA_DATA_DIR: dataDir });
    expect(second.stdout).toBe(`${dataDir}/rota.db: schema up to date\n`);
  });

  it('exits 2 naming every bad variable, before touching any database', async () => {
    const result = await runCli(['migrate'], {
      ROTA_DATABASE_URL: 'mysql://x',
      ROTA_LOG_LEVEL: 'loud',
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'error: ROTA_DATABASE_URL must be a postgres:// or postgresql:// or sqlite:// URL.',
      'error: ROTA_LOG_LEVEL must be one of debug, info, warn, error.',
    ]);
  });
});
