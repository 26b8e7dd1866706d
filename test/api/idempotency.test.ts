// Idempotency-Key on creates (SPEC section 6, ADR 15), on both databases: a request takes its key
// before it runs, so two concurrent twins create one resource; a failed request lets the key go;
// a key older than a day is neither replayed nor kept.
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_LIFETIME_MS } from '../../src/core/idempotency-keys.ts';
import type { Database } from '../../src/storage/database.ts';
import { idempotencyStore } from '../../src/storage/idempotency-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, T0, type ApiHarness } from './api-harness.ts';

const KEY = { 'idempotency-key': 'create-shop-1' };

// Every query yields to the event loop before its result is used, as a networked database's
// does: SQLite answers within microtasks, so two injected requests would never interleave.
const yielding: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    await new Promise((resolve) => setImmediate(resolve));
    return args.result;
  },
};
const yieldingQueries = (database: Database): Database =>
  Object.create(database, { db: { value: database.db.withPlugin(yielding) } }) as Database;

describeEachDatabase('idempotency keys in the API', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(yieldingQueries(db.database));
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const projects = async () =>
    (await api.alice.request('GET', '/api/v1/projects')).json().data as { id: string }[];

  it('creates one project for two concurrent requests with one key: the other is told it runs, or replays', async () => {
    const responses = await Promise.all(
      [1, 2, 3, 4].map(() => api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, KEY)),
    );
    const created = await projects();
    expect(created).toHaveLength(1);
    for (const response of responses) {
      if (response.statusCode === 201) expect(response.json().id).toBe(created[0]!.id);
      else {
        expect(response.statusCode).toBe(409);
        expect(response.json().code).toBe('idempotency_key_in_progress');
        expect(response.headers['retry-after']).toBe('1');
      }
    }
    expect(
      responses.some((r) => r.statusCode === 201 && r.headers['idempotent-replayed'] === undefined),
    ).toBe(true);
  });

  it('answers 409 idempotency_key_in_progress while the same request holds the key, and 409 reused for another body', async () => {
    const body = { name: 'Shop' };
    const probe = await api.alice.request('POST', '/api/v1/projects', body, {
      'idempotency-key': 'probe',
    });
    expect(probe.statusCode).toBe(201);
    const store = idempotencyStore(db.database);
    const { fingerprint } = (await store.find(api.alice.tenantId, 'probe', T0))!;
    // A twin that took the key and still runs, in this process or in another replica.
    const twin = await store.claim(api.alice.tenantId, { key: 'running', fingerprint }, T0);
    if (!twin.taken) throw new Error('the twin should have taken the key');
    const running = { 'idempotency-key': 'running' };
    const same = await api.alice.request('POST', '/api/v1/projects', body, running);
    expect(same.statusCode).toBe(409);
    expect(same.headers['retry-after']).toBe('1');
    expect(same.json()).toMatchObject({ status: 409, code: 'idempotency_key_in_progress' });
    const other = await api.alice.request('POST', '/api/v1/projects', { name: 'Other' }, running);
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('idempotency_key_reused');
    expect(await projects()).toHaveLength(1);
    await store.release(api.alice.tenantId, twin.claim);
    expect((await api.alice.request('POST', '/api/v1/projects', body, running)).statusCode).toBe(
      201,
    );
    expect(await projects()).toHaveLength(2);
  });

  it('lets the key go when the first request fails, so that a corrected retry with it runs', async () => {
    const missing = '01900000-0000-7000-8000-000000000000';
    const failed = await api.alice.request(
      'POST',
      '/api/v1/agents',
      { project_id: missing, name: 'walker', kind: 'builtin', config: { builtin: 'http_journey' } },
      KEY,
    );
    expect(failed.statusCode).toBe(400);
    const project = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, KEY);
    expect(project.statusCode).toBe(201);
    expect(project.headers['idempotent-replayed']).toBeUndefined();
  });

  it('neither replays nor keeps a key older than a day: the same request then runs again', async () => {
    const first = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, KEY);
    api.setNow(T0 + IDEMPOTENCY_KEY_LIFETIME_MS);
    const replayed = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, KEY);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json()).toEqual(first.json());
    api.setNow(T0 + IDEMPOTENCY_KEY_LIFETIME_MS + 1);
    const fresh = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, KEY);
    expect(fresh.statusCode).toBe(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
    expect(fresh.json().id).not.toBe(first.json().id);
    expect(await projects()).toHaveLength(2);
  });
});
