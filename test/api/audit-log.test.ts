// GET /api/v1/audit: every change through the API leaves one entry, written with the change;
// admins read them newest first, by action or actor, a page at a time; members and other tenants
// see none of them.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

describeEachDatabase('the audit log', (fresh) => {
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

  const actions = async (query = '') => {
    const response = await api.admin.request('GET', `/api/v1/audit${query}`);
    expect(response.statusCode).toBe(200);
    return response.json<{
      data: { action: string; actor: { kind: string; id: string }; target: { id: string } }[];
      next_cursor: string | null;
    }>();
  };

  it('records creates, updates, pauses and deletes with who did them, newest first', async () => {
    const { project, agent } = await seedProject(api.alice);
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: project.id,
        name: 'Nightly',
      })
    ).json();
    expect(
      (await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, { enabled: false }))
        .statusCode,
    ).toBe(200);
    expect(
      (await api.alice.request('PATCH', `/api/v1/agents/${agent.id}`, { name: 'walker 2' }))
        .statusCode,
    ).toBe(200);
    expect((await api.admin.request('DELETE', `/api/v1/schedules/${schedule.id}`)).statusCode).toBe(
      204,
    );
    // A change that changed nothing (no such schedule) writes nothing.
    expect((await api.admin.request('DELETE', `/api/v1/schedules/${schedule.id}`)).statusCode).toBe(
      404,
    );
    const page = await actions();
    expect(page.data.map((e) => e.action)).toEqual([
      'schedule.delete',
      'agent.update',
      'schedule.pause',
      'schedule.create',
      'test_plan.create',
      'journey.create',
      'journey.create',
      'agent.create',
      'project.create',
    ]);
    expect(page.data[0]).toMatchObject({
      actor: { kind: 'client', id: 'client-admin' },
      target: { kind: 'schedule', id: schedule.id },
      outcome: 'success',
    });
    expect(page.data[1]).toMatchObject({
      actor: { kind: 'client', id: 'client-alice' },
      target: { kind: 'agent', id: agent.id },
    });
  });

  it('filters by action and actor, and pages with a cursor', async () => {
    await seedProject(api.alice);
    await seedProject(api.admin, 'Second');
    const journeys = await actions('?action=journey.create');
    expect(journeys.data.map((e) => e.action)).toEqual(Array(4).fill('journey.create'));
    const byAdmin = await actions('?actor_id=client-admin');
    expect(byAdmin.data).toHaveLength(5);
    expect(byAdmin.data.every((e) => e.actor.id === 'client-admin')).toBe(true);
    const first = await actions('?limit=4');
    expect(first.data).toHaveLength(4);
    expect(first.next_cursor).not.toBeNull();
    const rest = await actions(`?limit=100&cursor=${first.next_cursor!}`);
    expect(rest.data).toHaveLength(6);
    expect(rest.next_cursor).toBeNull();
    const all = [...first.data, ...rest.data].map((e) => e.target.id);
    expect(new Set(all).size).toBe(10);
  });

  it('audits a move of an agent’s URL and shows it on the schedules whose items use it', async () => {
    const { project, agent, browse, plan } = await seedProject(api.alice);
    const moved = await api.alice.request('POST', '/api/v1/agents', {
      project_id: project.id,
      name: 'remote',
      kind: 'http',
      config: { url: 'https://agents.example/run' },
    });
    const remote = moved.json<{ id: string }>();
    const journey = (
      await api.alice.request('POST', '/api/v1/journeys', {
        project_id: project.id,
        name: 'Remote',
        agent_id: remote.id,
      })
    ).json<{ id: string }>();
    const schedule = async (name: string, item: Record<string, string>) => {
      const made = await api.alice.request('POST', '/api/v1/schedules', {
        project_id: project.id,
        name,
      });
      const id = made.json<{ id: string }>().id;
      await api.alice.request('POST', `/api/v1/schedules/${id}/items`, item);
      return id;
    };
    const direct = await schedule('Direct', { journey_id: journey.id });
    const unrelated = await schedule('Unrelated', { test_plan_id: plan.id });
    // A rename is no move; the URL's change is.
    await api.alice.request('PATCH', `/api/v1/agents/${remote.id}`, { name: 'remote 2' });
    await api.admin.request('PATCH', `/api/v1/agents/${remote.id}`, {
      config: { url: 'https://elsewhere.example/run' },
    });
    const updates = await api.admin.request('GET', '/api/v1/audit?action=agent.update');
    expect(updates.json().data.map((e: { detail: unknown }) => e.detail)).toEqual([
      { url_changed: true, origin: 'https://elsewhere.example' },
      null,
    ]);
    const shown = (await api.alice.request('GET', `/api/v1/schedules/${direct}`)).json();
    expect(shown.callee_changes).toEqual([
      {
        at: expect.any(String),
        callee: { kind: 'agent', id: remote.id },
        by: { kind: 'client', id: 'client-admin' },
        origin: 'https://elsewhere.example',
      },
    ]);
    const other = (await api.alice.request('GET', `/api/v1/schedules/${unrelated}`)).json();
    expect(other.callee_changes).toEqual([]);
    expect(browse.agent_id).toBe(agent.id);
  });

  it('is for admins of the tenant only', async () => {
    await seedProject(api.alice);
    expect((await api.alice.request('GET', '/api/v1/audit')).statusCode).toBe(403);
    const other = await api.bobAdmin.request('GET', '/api/v1/audit');
    expect(other.statusCode).toBe(200);
    expect(other.json().data).toEqual([]);
    expect((await api.admin.request('GET', '/api/v1/audit?action=nope')).statusCode).toBe(400);
  });
});
