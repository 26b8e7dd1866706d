// Bad input (research/reliability.md 4.2): every case gets its documented 4xx with a problem+json
// body and a stable code, never a 500, on both databases.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

const PROBLEM = 'application/problem+json';

describeEachDatabase('bad input to the API', (fresh) => {
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

  const raw = (payload: string, contentType = 'application/json', url = '/api/v1/projects') =>
    api.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${api.alice.token}`, 'content-type': contentType },
      payload,
    });

  const expectProblem = (
    response: Awaited<ReturnType<typeof raw>>,
    status: number,
    code: string,
  ) => {
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toContain(PROBLEM);
    expect(response.json()).toMatchObject({ status, code });
  };

  it('answers malformed JSON, trailing garbage and a byte-order mark with 400 invalid_json', async () => {
    for (const payload of ['{"name":', '{"name":"a"} x', '\uFEFF{"name":"a"}'])
      expectProblem(await raw(payload), 400, 'invalid_json');
  });

  it('answers text/plain and form bodies with 415', async () => {
    expectProblem(
      await raw('name=a', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    expectProblem(await raw('{"name":"a"}', 'text/plain'), 415, 'unsupported_media_type');
  });

  it('answers a body over 1 MiB with 413 before parsing it', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(1_100_000) });
    expectProblem(await raw(huge), 413, 'payload_too_large');
  });

  it('answers nesting 200,000 deep (under the size limit) with 400 too_deep, not a 500', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expectProblem(await raw(deep), 400, 'too_deep');
  });

  it('answers an otherwise valid agent whose input schema nests past the limit with 400 too_deep at that field', async () => {
    const { project } = await seedProject(api.alice);
    const agent = (levels: number) => {
      let schema: Record<string, unknown> = { type: 'object' };
      for (let level = 0; level < levels; level++)
        schema = { type: 'object', properties: { a: schema } };
      const body = { project_id: project.id, name: `deep-${levels}`, kind: 'builtin' };
      const config = { builtin: 'http_journey' };
      return raw(
        JSON.stringify({ ...body, config, input_schema: schema }),
        undefined,
        '/api/v1/agents',
      );
    };
    // Body, input_schema and 15 × (properties, a): 31 levels, the deepest accepted.
    expect((await agent(15)).statusCode).toBe(201);
    const response = await agent(16);
    expectProblem(response, 400, 'too_deep');
    expect(response.json().errors).toEqual([
      expect.objectContaining({
        field: `/input_schema${'/properties/a'.repeat(15)}/properties`,
        code: 'too_deep',
      }),
    ]);
  });

  it('refuses __proto__ and constructor.prototype keys with 400', async () => {
    const proto = await raw('{"name":"a","__proto__":{"admin":true}}');
    expectProblem(proto, 400, 'field_not_allowed');
    expect(proto.json().errors[0].field).toBe('/__proto__');
    expectProblem(
      await raw('{"name":"a","constructor":{"prototype":{"admin":true}}}'),
      400,
      'field_not_allowed',
    );
  });

  it('refuses NUL and lone surrogates in strings with 400 invalid_characters and the field', async () => {
    const nul = await raw('{"name":"a\\u0000b"}');
    expectProblem(nul, 400, 'invalid_characters');
    expect(nul.json().errors).toEqual([expect.objectContaining({ field: '/name' })]);
    expectProblem(await raw('{"name":"\\ud800"}'), 400, 'invalid_characters');
  });

  it('refuses unknown and read-only fields (mass assignment) with 400 field_not_allowed', async () => {
    for (const extra of ['tenant_id', 'id', 'created_at', 'next_fire_at']) {
      const response = await api.alice.request('POST', '/api/v1/projects', {
        name: 'a',
        [extra]: 'x',
      });
      expectProblem(response, 400, 'field_not_allowed');
      expect(response.json().errors).toEqual([
        { field: `/${extra}`, code: 'field_not_allowed', message: `Unknown field "${extra}".` },
      ]);
    }
  });

  it('refuses invalid time zones with 400 invalid_time_zone on the field', async () => {
    const { project } = await seedProject(api.alice);
    for (const timezone of ['Mars/Base', '  UTC', '', 'x'.repeat(500), '+05:00']) {
      const response = await api.alice.request('POST', '/api/v1/schedules', {
        project_id: project.id,
        name: 'tz',
        timezone,
      });
      expectProblem(response, 400, 'invalid_time_zone');
      expect(response.json().errors).toEqual([expect.objectContaining({ field: '/timezone' })]);
    }
  });

  it('refuses impossible cadences: invalid cron, never firing, out-of-range interval', async () => {
    const { project } = await seedProject(api.alice);
    const create = (body: object) =>
      api.alice.request('POST', '/api/v1/schedules', {
        project_id: project.id,
        name: 'c',
        ...body,
      });
    for (const expression of ['61 * * * *', '* * * *', '* * * * * *', '@reboot']) {
      const response = await create({ cadence: { type: 'cron', expression } });
      expectProblem(response, 400, 'invalid_cron');
      expect(response.json().errors[0].field).toMatch(/^\/cadence\/expression/);
    }
    expectProblem(
      await create({ cadence: { type: 'cron', expression: '0 0 30 2 *' } }),
      400,
      'schedule_never_fires',
    );
    const zero = await create({ tick_interval_hours: 0 });
    expectProblem(zero, 400, 'invalid_value');
    expect(zero.json().errors[0].field).toBe('/tick_interval_hours');
    expectProblem(await create({ run_days: [0, 8] }), 400, 'invalid_day');
    expectProblem(await create({ anchor_time: '25:00' }), 400, 'invalid_time');
  });

  it('stores SQL-looking strings verbatim', async () => {
    for (const name of [
      "'; DROP TABLE schedules;--",
      '1 OR 1=1',
      '%_',
      'Robert"); --',
      '\u202Eevil',
      '日本語 🚀',
    ]) {
      const created = await api.alice.request('POST', '/api/v1/projects', { name });
      expect(created.statusCode).toBe(201);
      const read = await api.alice.request('GET', `/api/v1/projects/${created.json().id}`);
      expect(read.json().name).toBe(name);
    }
  });

  it('refuses tampered cursors and out-of-range limits with 400', async () => {
    for (let i = 0; i < 3; i++)
      await api.alice.request('POST', '/api/v1/projects', { name: `p${i}` });
    const first = (await api.alice.request('GET', '/api/v1/projects?limit=1')).json();
    expect(first.next_cursor).toBeTypeOf('string');
    const cursor: string = first.next_cursor;
    const tampered = [
      `${cursor.slice(0, -1)}${cursor.endsWith('A') ? 'B' : 'A'}`,
      Buffer.from(JSON.stringify({ v: 1, after: "x' OR 1=1" })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 2, after: '0190a5f0-0000-7000-8000-000000000000' })).toString(
        'base64url',
      ),
      'not a cursor!',
      `${cursor}=`,
    ];
    for (const bad of tampered) {
      const response = await api.alice.request(
        'GET',
        `/api/v1/projects?cursor=${encodeURIComponent(bad)}`,
      );
      expectProblem(response, 400, 'invalid_cursor');
    }
    for (const limit of ['0', '-1', '1.5', '1000000', 'ten'])
      expectProblem(
        await api.alice.request('GET', `/api/v1/projects?limit=${limit}`),
        400,
        response400Code(limit),
      );
  });

  it('answers bad input to the run, audit-trail, trigger, forecast, tenant and budget routes with a 4xx problem, never a 500', async () => {
    const shop = await seedProject(api.alice);
    const schedule = (
      await api.alice.request('POST', '/api/v1/schedules', {
        project_id: shop.project.id,
        name: 's',
      })
    ).json();
    const run = (
      await api.alice.request('POST', '/api/v1/runs', {
        target: { type: 'journey', id: shop.browse.id },
      })
    ).json();
    const cases: [string, string, string, string?][] = [
      ['GET', `/api/v1/schedules/${schedule.id}/runs?cursor=${'A'.repeat(600)}`, ''],
      ['GET', `/api/v1/schedules/${schedule.id}/runs?cursor=eyJ2IjoyfQ`, ''],
      ['GET', `/api/v1/schedules/${schedule.id}/runs?limit=1e9`, ''],
      ['POST', `/api/v1/schedules/${schedule.id}/trigger`, '[1,2'],
      ['POST', `/api/v1/schedules/${schedule.id}/trigger`, '{}', 'text/plain'],
      ['GET', `/api/v1/schedules/${schedule.id}/forecast?days=1e3`, ''],
      ['GET', '/api/v1/runs?schedule_id=%00', ''],
      ['GET', '/api/v1/runs?status=queued&status=failed', ''],
      ['POST', '/api/v1/runs', '{"target":{"type":"journey","id":"\\u0000"}}'],
      ['POST', '/api/v1/runs', '{"target":null}'],
      ['POST', '/api/v1/runs', `{"target":{"type":"__proto__","id":"${shop.browse.id}"}}`],
      [
        'POST',
        '/api/v1/runs',
        `{"target":{"type":"journey","id":"${shop.browse.id}"},"parameters":"x"}`,
      ],
      ['POST', `/api/v1/runs/${run.id}/cancel`, '{"x":'],
      ['POST', `/api/v1/runs/${run.id}/rerun`, 'null x'],
      ['PATCH', '/api/v1/tenant', '{"timezone":"../../etc/passwd"}'],
      ['PATCH', '/api/v1/tenant', '{"daily_agent_budget":"200"}'],
      ['GET', '/api/v1/budget?days=3', ''],
    ];
    for (const [method, url, payload, contentType = 'application/json'] of cases) {
      const response = await api.app.inject({
        method: method as 'GET' | 'POST' | 'PATCH',
        url,
        headers: {
          authorization: `Bearer ${api.admin.token}`,
          ...(payload === '' ? {} : { 'content-type': contentType }),
        },
        ...(payload === '' ? {} : { payload }),
      });
      expect(response.statusCode, `${method} ${url} ${payload}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${method} ${url} ${payload}`).toBeLessThan(500);
      expect(response.headers['content-type']).toContain(PROBLEM);
    }
  });

  it('answers an empty JSON body where one is required with a 400 problem', async () => {
    expectProblem(await raw(''), 400, 'required');
  });
});

const response400Code = (limit: string) => (limit === 'ten' ? 'invalid_type' : 'invalid_value');
