// Conformance with the second seed's audit trail and manual trigger: `GET /schedules/{id}/runs`
// (200, 401, 404) lists the ticks with every candidate's decision and the missed fire times,
// newest first; `POST /schedules/{id}/trigger` (200, 401, 404) ticks now through the selection.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { encodeCursor } from '../../src/http/pagination.ts';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, T0, type ApiHarness } from './api-harness.ts';

const HOUR = 3_600_000;

describeEachDatabase('a schedule’s audit trail and manual trigger', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let shop: Awaited<ReturnType<typeof seedProject>>;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    shop = await seedProject(api.alice);
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  /** A schedule with browse (priority 10) and checkout (priority 0) as items. */
  async function scheduleWithItems(settings: object = {}) {
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 'Nightly',
        ...settings,
      })
    ).json();
    const add = async (body: object) =>
      (await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/items`, body)).json();
    const browse = await add({ journey_id: shop.browse.id, priority: 10 });
    const checkout = await add({ journey_id: shop.checkout.id });
    return { schedule, browse, checkout };
  }

  const trail = (scheduleId: string, query = '') =>
    api.alice.request('GET', `/api/v1/schedules/${scheduleId}/runs${query}`);

  it('GET /api/v1/schedules/{id}/runs → 200 with an empty page before the first tick, 401 without a token, 404 for an unknown, malformed or another tenant’s id', async () => {
    const { schedule } = await scheduleWithItems();
    const empty = await trail(schedule.id);
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ data: [], next_cursor: null });
    const anonymous = await api.app.inject({
      method: 'GET',
      url: `/api/v1/schedules/${schedule.id}/runs`,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    for (const [caller, id] of [
      [api.alice, uuidv7(T0)],
      [api.alice, 'not-a-uuid'],
      [api.bob, schedule.id],
    ] as const) {
      const response = await caller.request('GET', `/api/v1/schedules/${id}/runs`);
      expect(response.statusCode, id).toBe(404);
      expect(response.json().code).toBe('not_found');
    }
  });

  it('POST /api/v1/schedules/{id}/trigger → 200 with the manual tick: selected and skipped items with ranks, scores and reasons, and its runs', async () => {
    const { schedule, browse, checkout } = await scheduleWithItems({ daily_budget: 1 });
    const response = await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`);
    expect(response.statusCode).toBe(200);
    const tick = response.json();
    expect(tick).toMatchObject({
      kind: 'tick',
      trigger: 'manual',
      fire_time: '2027-03-10T12:00:00Z',
      outcome: null,
      per_tick_budget: 1,
      tenant_left: 200,
      ended_at: null,
      created_at: '2027-03-10T12:00:00Z',
    });
    // Never-run items come first, by priority: browse is taken, checkout is over budget.
    expect(tick.items).toEqual([
      {
        item_id: browse.id,
        target: { type: 'journey', id: shop.browse.id },
        rank: 1,
        score: null,
        outcome: 'selected',
        reason: null,
        errors: null,
      },
      {
        item_id: checkout.id,
        target: { type: 'journey', id: shop.checkout.id },
        rank: 2,
        score: null,
        outcome: 'skipped',
        reason: 'budget',
        errors: null,
      },
    ]);
    expect(tick.runs).toEqual([
      { id: expect.any(String), item_id: browse.id, status: 'queued', error_code: null },
    ]);
    // The audit trail shows the tick exactly as the trigger answered with it.
    expect((await trail(schedule.id)).json()).toEqual({ data: [tick], next_cursor: null });

    // An hour later browse's run is still queued: it overlaps; checkout has never run.
    api.setNow(T0 + HOUR);
    const second = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`)
    ).json();
    expect(
      second.items.map((i: { item_id: string; outcome: string; reason: string | null }) => [
        i.item_id,
        i.outcome,
        i.reason,
      ]),
    ).toEqual([
      [checkout.id, 'selected', null],
      [browse.id, 'skipped', 'overlap'],
    ]);
    // Staleness 1 h of a 120 h window, weighted by priority 10: × 2^(10/10).
    expect(second.items[1].score).toBeCloseTo((1 / 120) * 2, 10);
    const listed = (await trail(schedule.id)).json().data;
    expect(listed.map((e: { id: string }) => e.id)).toEqual([second.id, tick.id]);
    const run = (await api.alice.request('GET', `/api/v1/runs/${tick.runs[0].id}`)).json();
    expect(run).toMatchObject({
      trigger: 'manual',
      schedule_id: schedule.id,
      tick_id: tick.id,
      item_id: browse.id,
      target: { type: 'journey', id: shop.browse.id },
    });
  });

  it('ticks a paused schedule too, without moving its cadence, and 404s for another tenant', async () => {
    const { schedule } = await scheduleWithItems({ daily_budget: 2 });
    const nextFireAt = async () =>
      (
        await db.database.db
          .selectFrom('schedules')
          .select(['next_fire_at', 'enabled'])
          .where('id', '=', schedule.id)
          .executeTakeFirstOrThrow()
      ).next_fire_at;
    const armed = await nextFireAt();
    expect(armed).toBe(T0 + 24 * HOUR);
    const triggered = await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`);
    expect(triggered.statusCode).toBe(200);
    expect(triggered.json().runs).toHaveLength(2);
    expect(await nextFireAt()).toBe(armed);

    await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, { enabled: false });
    api.setNow(T0 + 2 * HOUR);
    const paused = await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`);
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ trigger: 'manual', fire_time: '2027-03-10T14:00:00Z' });
    expect(await nextFireAt()).toBeNull();

    for (const id of [schedule.id, uuidv7(T0), 'nope']) {
      const response = await api.bob.request('POST', `/api/v1/schedules/${id}/trigger`);
      expect(response.statusCode, id).toBe(404);
    }
    const anonymous = await api.app.inject({
      method: 'POST',
      url: `/api/v1/schedules/${schedule.id}/trigger`,
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await trail(schedule.id)).json().data).toHaveLength(2);
  });

  it('records an item whose journey was deleted as skipped: invalid_target with the errors, beside a run failed with schema_mismatch; a removed item keeps its decisions with no target', async () => {
    const { schedule, browse } = await scheduleWithItems({ daily_budget: 5 });
    const search = (
      await api.alice.request('POST', '/api/v1/journeys', {
        project_id: shop.project.id,
        name: 'Search',
        agent_id: shop.agent.id,
      })
    ).json();
    const item = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/items`, {
        journey_id: search.id,
      })
    ).json();
    expect((await api.alice.request('DELETE', `/api/v1/journeys/${search.id}`)).statusCode).toBe(
      204,
    );
    const tick = (
      await api.alice.request('POST', `/api/v1/schedules/${schedule.id}/trigger`)
    ).json();
    const invalid = tick.items.find((i: { item_id: string }) => i.item_id === item.id);
    expect(invalid).toEqual({
      item_id: item.id,
      target: { type: 'journey', id: search.id },
      rank: null,
      score: null,
      outcome: 'skipped',
      reason: 'invalid_target',
      errors: [{ code: 'target_missing', message: expect.stringContaining(search.id) }],
    });
    expect(tick.runs).toEqual(
      expect.arrayContaining([
        {
          id: expect.any(String),
          item_id: item.id,
          status: 'failed',
          error_code: 'schema_mismatch',
        },
      ]),
    );
    expect(tick.runs).toHaveLength(3);

    await api.alice.request('DELETE', `/api/v1/schedules/${schedule.id}/items/${browse.id}`);
    const [shown] = (await trail(schedule.id)).json().data;
    expect(shown.items.find((i: { item_id: string }) => i.item_id === browse.id)).toMatchObject({
      target: null,
      outcome: 'selected',
    });
  });

  it('replays a trigger retried with the same Idempotency-Key instead of ticking twice', async () => {
    const { schedule } = await scheduleWithItems();
    const url = `/api/v1/schedules/${schedule.id}/trigger`;
    const first = await api.alice.request('POST', url, undefined, { 'idempotency-key': 'k-1' });
    api.setNow(T0 + 1000);
    const retry = await api.alice.request('POST', url, undefined, { 'idempotency-key': 'k-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await trail(schedule.id)).json().data).toHaveLength(1);
  });

  it('accounts for every fire time: missed records sit among the ticks by the time they cover, and pages walk both with one cursor', async () => {
    const { schedule } = await scheduleWithItems();
    const tenant_id = api.alice.tenantId;
    const day = 24 * HOUR;
    // Scheduled ticks on days 1 and 4, days 2–3 missed in downtime, a manual tick on day 4.
    const tick = (fire_time: number, trigger: 'schedule' | 'catchup' | 'manual') => ({
      id: uuidv7(fire_time),
      tenant_id,
      schedule_id: schedule.id,
      trigger,
      fire_time,
      per_tick_budget: 2,
      tenant_left: null,
      deadline_at: fire_time + HOUR,
      outcome: 'skipped' as const,
      ended_at: fire_time,
      created_at: fire_time,
    });
    const ticks = [tick(T0 + day, 'schedule'), tick(T0 + 4 * day, 'catchup')];
    const manual = tick(T0 + 4 * day + HOUR, 'manual');
    await db.database.db
      .insertInto('ticks')
      .values([...ticks, manual])
      .execute();
    const missedId = uuidv7(T0 + 4 * day);
    await db.database.db
      .insertInto('missed_fire_times')
      .values({
        id: missedId,
        tenant_id,
        schedule_id: schedule.id,
        from_time: T0 + 2 * day,
        to_time: T0 + 3 * day,
        count: 2,
        reason: 'downtime',
        recorded_at: T0 + 4 * day,
      })
      .execute();

    const all = (await trail(schedule.id)).json();
    expect(all.next_cursor).toBeNull();
    expect(all.data.map((e: { kind: string; id: string }) => [e.kind, e.id])).toEqual([
      ['tick', manual.id],
      ['tick', ticks[1]!.id],
      ['missed', missedId],
      ['tick', ticks[0]!.id],
    ]);
    expect(all.data[2]).toEqual({
      kind: 'missed',
      id: missedId,
      from: '2027-03-12T12:00:00Z',
      to: '2027-03-13T12:00:00Z',
      count: 2,
      reason: 'downtime',
      created_at: '2027-03-14T12:00:00Z',
    });

    const walked: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query: string =
        cursor === null ? '?limit=1' : `?limit=1&cursor=${encodeURIComponent(cursor)}`;
      const page = (await trail(schedule.id, query)).json();
      expect(page.data).toHaveLength(1);
      walked.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(walked).toEqual(all.data);

    const second = (await trail(schedule.id, '?limit=2')).json();
    const tampered = Buffer.from(
      Buffer.from(second.next_cursor, 'base64url').toString().replace('"v":2', '"v":3'),
    ).toString('base64url');
    for (const bad of [tampered, `${second.next_cursor}x`, encodeCursor(missedId), '!!']) {
      const response = await trail(schedule.id, `?cursor=${encodeURIComponent(bad)}`);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().code).toBe('invalid_cursor');
    }
    for (const query of ['?limit=0', '?limit=101', '?limit=x', '?status=queued']) {
      const response = await trail(schedule.id, query);
      expect(response.statusCode, query).toBe(400);
    }
  });
});
