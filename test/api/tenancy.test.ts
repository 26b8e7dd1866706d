// Tenancy: the tenant comes from the token only; another tenant's id is a 404 on every route, a
// reference to another tenant's object is "not in this project", and lists never show it.
import Fastify from 'fastify';
import { ROLE_SCOPES } from '../../src/core/principal.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  principalOf,
  registerAuthentication,
  requireAdmin,
} from '../../src/http/authentication.ts';
import { registerErrorHandler } from '../../src/http/error-handler.ts';
import { bearerCredential } from '../../src/http/principal.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedDigests, seedProject, type ApiHarness } from './api-harness.ts';
import { testTokens } from './test-authenticator.ts';

describeEachDatabase('tenancy in the API', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  /** Tenant A's project with a tool, and a schedule with one item. */
  async function aliceResources() {
    const shop = await seedProject(api.alice);
    const tool = (
      await api.alice.request('POST', '/api/v1/tools', {
        project_id: shop.project.id,
        name: 't',
        kind: 'builtin',
        config: { builtin: 'transform' },
      })
    ).json();
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 's',
      })
    ).json();
    const item = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/items`, {
        journey_id: shop.browse.id,
      })
    ).json();
    return { shop, tool, schedule, item };
  }

  it('answers 404 for another tenant’s id on every route, and changes nothing', async () => {
    const { shop, tool, schedule, item } = await aliceResources();
    const resources: [string, string, object][] = [
      ['projects', shop.project.id, { name: 'x' }],
      ['agents', shop.agent.id, { name: 'x' }],
      ['tools', tool.id, { name: 'x' }],
      ['journeys', shop.browse.id, { name: 'x' }],
      ['test-plans', shop.plan.id, { name: 'x' }],
      ['schedules', schedule.id, { name: 'x' }],
    ];
    for (const [path, id, patch] of resources) {
      const url = `/api/v1/${path}/${id}`;
      for (const [method, body] of [['GET'], ['PATCH', patch], ['DELETE']] as const) {
        const response = await api.bob.request(method, url, body);
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(response.json().code).toBe('not_found');
      }
      expect((await api.alice.request('GET', url)).statusCode, url).toBe(200);
    }
    const items = `/api/v1/schedules/${schedule.id}/items`;
    expect(
      (await api.bob.request('POST', items, { journey_id: shop.checkout.id })).statusCode,
    ).toBe(404);
    expect(
      (await api.bob.request('PATCH', `${items}/${item.id}`, { priority: 5 })).statusCode,
    ).toBe(404);
    expect((await api.bob.request('DELETE', `${items}/${item.id}`)).statusCode).toBe(404);
    const after = (await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`)).json();
    expect(after.items).toEqual([item]);
    expect(after.name).toBe('s');
  });

  it('guards every route of the OpenAPI document: 401 without a token, 403 for a member on admin routes, 404 for another tenant’s ids', async () => {
    const { shop, tool, schedule, item } = await aliceResources();
    const mailed = await seedDigests(api, api.alice, shop.project.id);
    const client = (await api.admin.request('POST', '/api/v1/clients', { name: 'ci' })).json();
    const user = (
      await api.admin.request('POST', '/api/v1/users', { email: 'ada@example.test' })
    ).json();
    const run = (
      await api.alice.request('POST', '/api/v1/runs', {
        target: { type: 'journey', id: shop.browse.id },
      })
    ).json();
    const ids: Record<string, string> = {
      clients: client.id,
      users: user.id,
      runs: run.id,
      projects: shop.project.id,
      agents: shop.agent.id,
      tools: tool.id,
      journeys: shop.browse.id,
      'test-plans': shop.plan.id,
      schedules: schedule.id,
      outbox: mailed.digests[0].id,
    };
    const document = (await api.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const paths = Object.entries(document.paths as Record<string, Record<string, unknown>>).filter(
      ([path]) => path.startsWith('/api/v1/'),
    );
    expect(paths.length).toBeGreaterThanOrEqual(15);
    for (const [path, operations] of paths) {
      for (const method of Object.keys(operations).map((m) => m.toUpperCase())) {
        const resource = path.split('/')[3] ?? '';
        const url = path.replace('{id}', ids[resource] ?? '').replace('{itemId}', item.id);
        const { security } = operations[method.toLowerCase()] as {
          security: { bearer?: string[] }[];
        };
        // Signing in and out takes no credential (security: []): test/api/session.test.ts.
        if (security.length === 0) continue;
        const anonymous = await api.app.inject({ method: method as 'GET', url, payload: {} });
        expect(anonymous.statusCode, `${method} ${path} without a token`).toBe(401);
        const body =
          method === 'POST'
            ? { journey_id: shop.checkout.id }
            : method === 'PATCH'
              ? {}
              : undefined;
        // The document asks for the admin scope exactly on the admin routes: a member is refused
        // there, and reads anything else of the tenant.
        if (security.some((requirement) => requirement.bearer?.includes('admin') === true)) {
          const member = await api.alice.request(method as 'GET', url, body);
          expect(member.statusCode, `${method} ${path} by a member`).toBe(403);
          expect(member.json().code).toBe('forbidden');
        } else if (method === 'GET' && !path.endsWith('/events')) {
          // (A run's event stream lasts as long as the run: the member check reads, not follows.)
          const member = await api.alice.request('GET', url);
          expect(member.statusCode, `GET ${path} by a member`).not.toBe(403);
        }
        if (!path.includes('{id}')) continue;
        // Tenant B's admin: no role sees another tenant's objects.
        const foreign = await api.bobAdmin.request(method as 'GET', url, body);
        expect(foreign.statusCode, `${method} ${path} by another tenant`).toBe(404);
      }
    }
  });

  it('treats references to another tenant’s objects as not in the project', async () => {
    const shop = await seedProject(api.alice);
    const mine = (await api.bob.request('POST', '/api/v1/projects', { name: 'Bob' })).json();
    const journey = await api.bob.request('POST', '/api/v1/journeys', {
      project_id: mine.id,
      name: 'j',
      agent_id: shop.agent.id,
    });
    expect(journey.json().errors).toEqual([
      expect.objectContaining({ field: '/agent_id', code: 'not_in_project' }),
    ]);
    const intoAlice = await api.bob.request('POST', '/api/v1/schedules', {
      project_id: shop.project.id,
      name: 's',
    });
    expect(intoAlice.statusCode).toBe(400);
    expect(intoAlice.json().errors[0]).toMatchObject({
      field: '/project_id',
      code: 'not_in_project',
    });
  });

  it('never lists another tenant’s objects', async () => {
    await seedProject(api.alice);
    await api.alice.request('POST', '/api/v1/schedules', {
      project_id: (await api.alice.request('GET', '/api/v1/projects')).json().data[0].id,
      name: 's',
    });
    for (const path of ['projects', 'agents', 'tools', 'journeys', 'test-plans', 'schedules']) {
      const listed = await api.bob.request('GET', `/api/v1/${path}`);
      expect(listed.statusCode, path).toBe(200);
      expect(listed.json(), path).toEqual({ data: [], next_cursor: null });
    }
  });

  it('ignores a tenant named in the body: it is an unknown field', async () => {
    const response = await api.bob.request('POST', '/api/v1/projects', {
      name: 'x',
      tenant_id: api.alice.tenantId,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatchObject({
      field: '/tenant_id',
      code: 'field_not_allowed',
    });
  });
});

describe('the admin guard', () => {
  it('answers a member with 403 forbidden and lets an admin through', async () => {
    const tokens = testTokens();
    const app = Fastify({ logger: false });
    registerErrorHandler(app, { isUnavailable: () => false, isReferenceGone: () => false });
    registerAuthentication(app, [bearerCredential(tokens.authenticate)]);
    app.get('/admin-only', (request) => ({ subject: requireAdmin(request).subject }));
    app.get('/anyone', (request) => ({ subject: principalOf(request).subject }));
    const token = (role: 'admin' | 'member') =>
      `Bearer ${tokens.sign({ tenantId: 't', role, subject: role, kind: 'user', scopes: ROLE_SCOPES[role] })}`;
    try {
      const member = await app.inject({
        url: '/admin-only',
        headers: { authorization: token('member') },
      });
      expect(member.statusCode).toBe(403);
      expect(member.json()).toMatchObject({ status: 403, code: 'forbidden' });
      const admin = await app.inject({
        url: '/admin-only',
        headers: { authorization: token('admin') },
      });
      expect(admin.json()).toEqual({ subject: 'admin' });
      const anyone = await app.inject({
        url: '/anyone',
        headers: { authorization: token('member') },
      });
      expect(anyone.json()).toEqual({ subject: 'member' });
    } finally {
      await app.close();
    }
  });
});
