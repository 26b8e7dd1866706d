// Idempotency keys in storage (ADR 15): a request takes its key before it runs, so a concurrent
// twin finds it taken; a failed request lets it go; a stale claim can be taken over without its
// old holder writing afterwards; keys expire after a day and are pruned in bounded batches.
import { afterEach, beforeEach, expect, it } from 'vitest';
import {
  IDEMPOTENCY_CLAIM_TTL_MS,
  IDEMPOTENCY_KEY_LIFETIME_MS,
} from '../../src/core/idempotency-keys.ts';
import type { Database } from '../../src/storage/database.ts';
import {
  idempotencyStore,
  pruneIdempotencyKeys,
  type IdempotencyClaim,
} from '../../src/storage/idempotency-store.ts';
import { ensureDefaultTenant } from '../../src/storage/tenant-store.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { T0 } from './fixtures.ts';

const TENANT = 'tenant-1';
const create = { key: 'k-1', fingerprint: 'create-shop' };
const answer = { status: 201, body: '{"id":"p-1"}' };

describeEachDatabase('idempotency keys', (fresh) => {
  let db: TestDatabase;
  let database: Database;
  let store: ReturnType<typeof idempotencyStore>;
  beforeEach(async () => {
    db = await fresh();
    database = db.database;
    await ensureDefaultTenant(database, { id: TENANT, now: T0 });
    store = idempotencyStore(database);
  });
  afterEach(async () => {
    await db.dispose();
  });

  const claimOf = async (at: number, request = create): Promise<IdempotencyClaim> => {
    const outcome = await store.claim(TENANT, request, at);
    if (!outcome.taken) throw new Error(`expected to take the key, found ${outcome.held.status}`);
    return outcome.claim;
  };

  it('lets one of two concurrent claims of a key take it, and shows the other that it runs', async () => {
    const outcomes = await Promise.all([
      store.claim(TENANT, create, T0),
      store.claim(TENANT, create, T0),
    ]);
    expect(outcomes.filter((o) => o.taken)).toHaveLength(1);
    expect(outcomes.find((o) => !o.taken)).toMatchObject({
      taken: false,
      held: { key: 'k-1', fingerprint: 'create-shop', status: 0 },
    });
  });

  it('shows a later claim the stored answer once the holder saved it', async () => {
    await store.save(TENANT, await claimOf(T0), answer);
    expect(await store.claim(TENANT, { ...create, fingerprint: 'other' }, T0 + 1)).toEqual({
      taken: false,
      held: { key: 'k-1', fingerprint: 'create-shop', ...answer, created_at: T0 },
    });
  });

  it('lets the key go when the holder releases it, so that a retry takes it', async () => {
    await store.release(TENANT, await claimOf(T0));
    expect(await store.find(TENANT, 'k-1', T0)).toBeUndefined();
    expect((await store.claim(TENANT, create, T0 + 1)).taken).toBe(true);
  });

  it('hands a claim older than its time to live to the next request, and ignores its old holder', async () => {
    const first = await claimOf(T0);
    expect((await store.claim(TENANT, create, T0 + IDEMPOTENCY_CLAIM_TTL_MS - 1)).taken).toBe(
      false,
    );
    const second = await claimOf(T0 + IDEMPOTENCY_CLAIM_TTL_MS + 1);
    await store.save(TENANT, first, { status: 201, body: '{"id":"stale"}' });
    await store.release(TENANT, first);
    await store.save(TENANT, second, answer);
    expect(await store.find(TENANT, 'k-1', second.created_at)).toMatchObject(answer);
  });

  it('neither finds nor keeps an answer older than a day: the key is taken afresh', async () => {
    await store.save(TENANT, await claimOf(T0), answer);
    const dayLater = T0 + IDEMPOTENCY_KEY_LIFETIME_MS;
    expect(await store.find(TENANT, 'k-1', dayLater)).toMatchObject(answer);
    expect(await store.find(TENANT, 'k-1', dayLater + 1)).toBeUndefined();
    const again = await claimOf(dayLater + 1, { ...create, fingerprint: 'another' });
    expect(await store.find(TENANT, 'k-1', dayLater + 1)).toMatchObject({
      fingerprint: 'another',
      status: 0,
      created_at: again.created_at,
    });
  });

  it('prunes keys older than the cutoff in bounded batches and keeps younger ones', async () => {
    for (let i = 0; i < 5; i++)
      await store.save(
        TENANT,
        await claimOf(T0 + i, { key: `old-${i}`, fingerprint: 'f' }),
        answer,
      );
    await claimOf(T0 + 10, { key: 'young', fingerprint: 'f' });
    expect(await pruneIdempotencyKeys(database, T0 + 5, 3)).toBe(3);
    expect(await pruneIdempotencyKeys(database, T0 + 5, 3)).toBe(2);
    expect(await pruneIdempotencyKeys(database, T0 + 5, 3)).toBe(0);
    const left = await database.db.selectFrom('idempotency_keys').select('key').execute();
    expect(left.map((row) => row.key)).toEqual(['young']);
  });
});
