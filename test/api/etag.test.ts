// Optimistic concurrency (ADR 45): every resource a client edits answers with an ETag, and a PATCH
// or DELETE sent with a stale If-Match is a 412 precondition_failed that changes nothing.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { scheduleAdminStore } from '../../src/storage/schedule-admin-store.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

const PROBLEM = 'application/problem+json';
const ETAG = /^"[1-9][0-9]*"$/;

interface Resource {
  readonly kind: string;
  readonly url: string;
  /** A change, and the field whose value shows it was made. */
  readonly patch: Record<string, unknown>;
  readonly field: string;
  /** Another change, for the PATCH that must not happen. */
  readonly otherPatch: Record<string, unknown>;
}

describeEachDatabase('ETag and If-Match', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let resources: Resource[];
  let created: Map<string, string>;

  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    const shop = await seedProject(api.alice);
    const post = async (url: string, body: object) => {
      const response = await api.alice.request('POST', url, body);
      expect(response.statusCode, url).toBe(201);
      return response;
    };
    const project_id = shop.project.id as string;
    // Agents and journeys of their own, so that nothing still uses them when they are deleted.
    const agent = await post('/api/v1/agents', {
      project_id,
      name: 'spare',
      kind: 'builtin',
      config: { builtin: 'http_journey' },
    });
    const tool = await post('/api/v1/tools', {
      project_id,
      name: 'check',
      kind: 'builtin',
      config: { builtin: 'http_check' },
    });
    const journey = await post('/api/v1/journeys', {
      project_id,
      name: 'Solo',
      agent_id: shop.agent.id,
    });
    const schedule = await post('/api/v1/schedules', { project_id, name: 'Nightly' });
    const item = await post(`/api/v1/schedules/${schedule.json().id}/items`, {
      journey_id: shop.browse.id,
    });
    created = new Map(
      [
        ['agent', agent],
        ['tool', tool],
        ['journey', journey],
        ['schedule', schedule],
        ['schedule item', item],
      ].map(([kind, response]) => [
        kind as string,
        (response as Awaited<ReturnType<typeof post>>).headers.etag as string,
      ]),
    );
    // The item first: deleting its schedule deletes it too.
    resources = [
      {
        kind: 'schedule item',
        url: `/api/v1/schedules/${schedule.json().id}/items/${item.json().id}`,
        patch: { priority: 5 },
        otherPatch: { priority: 9 },
        field: 'priority',
      },
      {
        kind: 'schedule',
        url: `/api/v1/schedules/${schedule.json().id}`,
        patch: { name: 'Renamed' },
        otherPatch: { name: 'Overwritten' },
        field: 'name',
      },
      {
        kind: 'agent',
        url: `/api/v1/agents/${agent.json().id}`,
        patch: { name: 'renamed' },
        otherPatch: { name: 'overwritten' },
        field: 'name',
      },
      {
        kind: 'tool',
        url: `/api/v1/tools/${tool.json().id}`,
        patch: { timeout_seconds: 45 },
        otherPatch: { timeout_seconds: 90 },
        field: 'timeout_seconds',
      },
      {
        kind: 'journey',
        url: `/api/v1/journeys/${journey.json().id}`,
        patch: { description: 'Walks alone' },
        otherPatch: { description: 'Overwritten' },
        field: 'description',
      },
      {
        kind: 'test plan',
        url: `/api/v1/test-plans/${shop.plan.id}`,
        patch: { journey_ids: [shop.checkout.id] },
        otherPatch: { name: 'Overwritten' },
        field: 'journey_ids',
      },
    ];
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const read = async (url: string) => {
    const response = await api.alice.request('GET', url);
    expect(response.statusCode, url).toBe(200);
    expect(response.headers.etag, url).toMatch(ETAG);
    return { etag: response.headers.etag as string, body: response.json() };
  };

  it('creates answer with the ETag a read then gives', async () => {
    for (const [kind, etag] of created) {
      expect(etag, kind).toMatch(ETAG);
      const resource = resources.find((r) => r.kind === kind) as Resource;
      expect((await read(resource.url)).etag, kind).toBe(etag);
    }
  });

  it('for each of the six kinds: PATCH with the current ETag → 200 and a new one; a stale one → 412 and nothing changes; DELETE likewise', async () => {
    expect(resources.map((r) => r.kind)).toHaveLength(6);
    for (const { kind, url, patch, otherPatch, field } of resources) {
      const before = await read(url);

      const patched = await api.alice.request('PATCH', url, patch, { 'if-match': before.etag });
      expect(patched.statusCode, kind).toBe(200);
      const fresh = patched.headers.etag as string;
      expect(fresh, kind).toMatch(ETAG);
      expect(fresh, kind).not.toBe(before.etag);
      expect(patched.json()[field], kind).toEqual(patch[field]);
      const after = await read(url);
      expect(after.etag, kind).toBe(fresh);

      const stale = await api.alice.request('PATCH', url, otherPatch, { 'if-match': before.etag });
      expect(stale.statusCode, kind).toBe(412);
      expect(stale.headers['content-type'], kind).toContain(PROBLEM);
      expect(stale.json(), kind).toMatchObject({ status: 412, code: 'precondition_failed' });
      const unchanged = await read(url);
      expect(unchanged.etag, kind).toBe(fresh);
      expect(unchanged.body, kind).toEqual(after.body);

      const staleDelete = await api.alice.request('DELETE', url, undefined, {
        'if-match': before.etag,
      });
      expect(staleDelete.statusCode, kind).toBe(412);
      expect(staleDelete.headers['content-type'], kind).toContain(PROBLEM);
      expect(staleDelete.json().code, kind).toBe('precondition_failed');
      expect((await read(url)).etag, kind).toBe(fresh);

      const deleted = await api.alice.request('DELETE', url, undefined, { 'if-match': fresh });
      expect(deleted.statusCode, kind).toBe(204);
      expect((await api.alice.request('GET', url)).statusCode, kind).toBe(404);
    }
  });

  it('If-Match: * matches any existing resource; a missing one stays 404; without If-Match the last write wins', async () => {
    for (const { kind, url, patch, otherPatch } of resources) {
      const star = await api.alice.request('PATCH', url, patch, { 'if-match': '*' });
      expect(star.statusCode, kind).toBe(200);
      const plain = await api.alice.request('PATCH', url, otherPatch);
      expect(plain.statusCode, kind).toBe(200);
      expect(plain.headers.etag, kind).not.toBe(star.headers.etag);
      // A list naming the current ETag matches; a weak tag never does (strong comparison).
      const current = plain.headers.etag as string;
      const listed = await api.alice.request('PATCH', url, patch, {
        'if-match': `"999", ${current}`,
      });
      expect(listed.statusCode, kind).toBe(200);
      const weak = await api.alice.request('PATCH', url, otherPatch, {
        'if-match': `W/${listed.headers.etag as string}`,
      });
      expect(weak.statusCode, kind).toBe(412);
      expect(
        (await api.alice.request('DELETE', url, undefined, { 'if-match': '*' })).statusCode,
        kind,
      ).toBe(204);
      const gone = await api.alice.request('PATCH', url, patch, { 'if-match': current });
      expect(gone.statusCode, kind).toBe(404);
      expect(gone.json().code, kind).toBe('not_found');
      const goneDelete = await api.alice.request('DELETE', url, undefined, { 'if-match': '*' });
      expect(goneDelete.statusCode, kind).toBe(404);
    }
  });

  it('another tenant’s resource is a 404 whatever If-Match says; a malformed If-Match is a 400', async () => {
    for (const { kind, url, patch } of resources) {
      const { etag } = await read(url);
      const bobs = await api.bob.request('PATCH', url, patch, { 'if-match': etag });
      expect(bobs.statusCode, kind).toBe(404);
      const bobsDelete = await api.bob.request('DELETE', url, undefined, { 'if-match': etag });
      expect(bobsDelete.statusCode, kind).toBe(404);
      const malformed = await api.alice.request('PATCH', url, patch, { 'if-match': 'abc' });
      expect(malformed.statusCode, kind).toBe(400);
      expect((await read(url)).etag, kind).toBe(etag);
    }
  });

  it('two concurrent PATCHes carrying the same If-Match: exactly one 200 and one 412', async () => {
    for (const { kind, url, patch, otherPatch, field } of resources) {
      const { etag } = await read(url);
      const answers = await Promise.all([
        api.alice.request('PATCH', url, patch, { 'if-match': etag }),
        api.alice.request('PATCH', url, otherPatch, { 'if-match': etag }),
      ]);
      const statuses = answers.map((a) => a.statusCode).sort();
      expect(statuses, kind).toEqual([200, 412]);
      const winner = answers.find((a) => a.statusCode === 200)!;
      const now = await read(url);
      expect(now.etag, kind).toBe(winner.headers.etag);
      expect(now.body[field], kind).toEqual(winner.json()[field]);
    }
  });

  it('the condition is in the store’s write: an update against a revision that has moved on changes nothing', async () => {
    const store = scheduleAdminStore(db.database);
    const id = resources
      .find((r) => r.kind === 'schedule')!
      .url.split('/')
      .at(-1)!;
    const tenantId = api.alice.tenantId;
    const first = await store.update(tenantId, id, { name: 'First' }, api.now(), [1]);
    expect(first?.revision).toBe(2);
    expect(await store.update(tenantId, id, { name: 'Second' }, api.now(), [1])).toBeUndefined();
    expect(await store.remove(tenantId, id, [1])).toBe(false);
    expect((await store.get(tenantId, id))?.name).toBe('First');
    expect(await store.remove(tenantId, id, [2])).toBe(true);
  });
});
