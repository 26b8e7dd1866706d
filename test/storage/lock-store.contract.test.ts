import { afterEach, expect, it } from 'vitest';
import { acquireLock, releaseLock, renewLock, takeOverLock } from '../../src/storage/lock-store.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';

const T = Date.UTC(2027, 0, 1);
const TTL = 15_000;

describeEachDatabase('lock store', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('hands a live lock over from a holder known to be dead, with a new fence', async () => {
    current = await fresh();
    const { database } = current;
    await acquireLock(database, { name: 'scheduler', holder: 'dead', now: T, ttlMs: TTL });
    const request = { name: 'scheduler', holder: 'new', now: T + 1, ttlMs: TTL };
    expect(await takeOverLock(database, { ...request, from: 'dead' })).toEqual({
      acquired: true,
      fence: 2,
    });
    expect(await renewLock(database, { ...request, holder: 'dead', fence: 1 })).toBe(false);
    // Taken over from someone who no longer holds it: an ordinary, refused acquisition.
    expect(await takeOverLock(database, { ...request, holder: 'third', from: 'dead' })).toEqual({
      acquired: false,
      holder: 'new',
      expiresAt: T + 1 + TTL,
    });
  });

  it('gives a lock to one holder and refuses others while it lives', async () => {
    current = await fresh();
    const { database } = current;
    expect(
      await acquireLock(database, { name: 'scheduler', holder: 'a', now: T, ttlMs: TTL }),
    ).toEqual({ acquired: true, fence: 1 });
    expect(
      await acquireLock(database, { name: 'scheduler', holder: 'b', now: T + 1, ttlMs: TTL }),
    ).toEqual({ acquired: false, holder: 'a', expiresAt: T + TTL });
    expect(
      await acquireLock(database, { name: 'other', holder: 'b', now: T + 1, ttlMs: TTL }),
    ).toEqual({ acquired: true, fence: 1 });
  });

  it('lets a renewed lock live on, and hands an expired one to the next holder with a new fence', async () => {
    current = await fresh();
    const { database } = current;
    await acquireLock(database, { name: 'scheduler', holder: 'a', now: T, ttlMs: TTL });
    expect(
      await renewLock(database, {
        name: 'scheduler',
        holder: 'a',
        fence: 1,
        now: T + 10_000,
        ttlMs: TTL,
      }),
    ).toBe(true);
    expect(
      (await acquireLock(database, { name: 'scheduler', holder: 'b', now: T + 20_000, ttlMs: TTL }))
        .acquired,
    ).toBe(false);
    expect(
      await acquireLock(database, { name: 'scheduler', holder: 'b', now: T + 25_001, ttlMs: TTL }),
    ).toEqual({ acquired: true, fence: 2 });
    // The old holder can no longer renew what it lost.
    expect(
      await renewLock(database, {
        name: 'scheduler',
        holder: 'a',
        fence: 1,
        now: T + 26_000,
        ttlMs: TTL,
      }),
    ).toBe(false);
  });

  it('frees a released lock at once', async () => {
    current = await fresh();
    const { database } = current;
    await acquireLock(database, { name: 'scheduler', holder: 'a', now: T, ttlMs: TTL });
    await releaseLock(database, 'scheduler', 'a');
    expect(
      (await acquireLock(database, { name: 'scheduler', holder: 'b', now: T + 1, ttlMs: TTL }))
        .acquired,
    ).toBe(true);
  });

  it('gives an expired lock to exactly one of several racing acquirers', async () => {
    current = await fresh();
    const { database } = current;
    const others =
      database.dialect === 'postgres'
        ? [current.reopen(), current.reopen(), current.reopen()]
        : [database, database, database];
    try {
      for (let round = 0; round < 10; round++) {
        const now = T + round * 2 * TTL;
        const results = await Promise.all(
          [database, ...others].map((db, i) =>
            acquireLock(db, { name: 'race', holder: `h${round}-${i}`, now, ttlMs: TTL }),
          ),
        );
        expect(results.filter((r) => r.acquired)).toHaveLength(1);
      }
    } finally {
      for (const other of others) if (other !== database) await other.close();
    }
  });
});
