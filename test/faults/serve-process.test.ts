// `rota serve` as real processes on one SQLite file: a second scheduler refuses to start and says
// why, a worker-only process starts beside it, and SIGTERM ends each with exit status 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reap, startRota, type Child } from './child.ts';

describe('rota serve on one SQLite file', () => {
  const children: Child[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    await reap(children.splice(0));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  function rota(...args: string[]): Child {
    dir ??= mkdtempSync(join(tmpdir(), 'rota-serve-'));
    const child = startRota(['serve', ...args], {
      ROTA_DATA_DIR: dir,
      ROTA_PORT: '0',
      ROTA_HOST: '127.0.0.1',
    });
    children.push(child);
    return child;
  }
  const serving = (child: Child) => child.waitFor((e) => e.msg === 'rota is serving');

  it('refuses a second scheduler with a clear message, and stops the first on SIGTERM with status 0', async () => {
    const first = rota();
    const { url } = await serving(first);
    expect((await fetch(`${url as string}/readyz`)).status).toBe(200);

    const second = rota();
    expect(await second.exited).toEqual({ code: 1, signal: null });
    expect(second.stderr).toMatch(
      /^error: rota could not start: Another scheduler \(.+\) is running on this SQLite database/,
    );
    expect(second.stderr).toContain('Run one scheduler per database file');

    await first.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.events.map((e) => e.msg)).toContain('stopped');
  });

  it('starts a worker-only process beside the scheduler', async () => {
    const scheduler = rota('--role', 'scheduler');
    await serving(scheduler);
    const worker = rota('--role', 'worker');
    const { role } = await serving(worker);
    expect(role).toBe('worker');
    await worker.kill('SIGTERM');
    await scheduler.kill('SIGTERM');
    expect([await worker.exited, await scheduler.exited]).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  });

  it('starts right after a scheduler on the same machine was killed, without waiting out its lock', async () => {
    const crashed = rota();
    await serving(crashed);
    await crashed.kill('SIGKILL');
    const next = rota();
    await serving(next);
    await next.kill('SIGTERM');
    expect(await next.exited).toEqual({ code: 0, signal: null });
  });
});
