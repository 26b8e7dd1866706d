// Projects, agents, tools, journeys and test plans over HTTP on both databases: CRUD with 201 on
// create and 204 on delete, references checked against the project, versions on change.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { headerSealContext } from '../../src/core/callee-config.ts';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, T0, type ApiHarness } from './api-harness.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describeEachDatabase('the registry API', (fresh) => {
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

  it('creates, reads, renames, lists and deletes a project', async () => {
    const created = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' });
    expect(created.statusCode).toBe(201);
    const project = created.json();
    expect(project).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Shop',
      created_at: '2027-03-10T12:00:00Z',
      updated_at: '2027-03-10T12:00:00Z',
    });
    api.setNow(T0 + 60_000);
    const renamed = await api.alice.request('PATCH', `/api/v1/projects/${project.id}`, {
      name: 'Store',
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Store', updated_at: '2027-03-10T12:01:00Z' });
    const list = (await api.alice.request('GET', '/api/v1/projects')).json();
    expect(list).toEqual({ data: [renamed.json()], next_cursor: null });
    const deleted = await api.alice.request('DELETE', `/api/v1/projects/${project.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    expect((await api.alice.request('GET', `/api/v1/projects/${project.id}`)).statusCode).toBe(404);
  });

  it('registers an agent and a tool with kind, config and schemas, and bumps the version on change', async () => {
    const { project } = await seedProject(api.alice);
    const tool = await api.alice.request('POST', '/api/v1/tools', {
      project_id: project.id,
      name: 'check',
      kind: 'builtin',
      config: { builtin: 'http_check' },
      input_schema: { type: 'object', properties: { url: { type: 'string' } } },
      timeout_seconds: 30,
    });
    expect(tool.statusCode).toBe(201);
    expect(tool.json()).toMatchObject({
      kind: 'builtin',
      config: { builtin: 'http_check' },
      input_schema: { type: 'object', properties: { url: { type: 'string' } } },
      output_schema: null,
      timeout_seconds: 30,
      version: 1,
    });
    expect(tool.json().created_at).toMatch(ISO);
    const renamed = await api.alice.request('PATCH', `/api/v1/tools/${tool.json().id}`, {
      name: 'checker',
    });
    expect(renamed.json().version).toBe(1);
    const changed = await api.alice.request('PATCH', `/api/v1/tools/${tool.json().id}`, {
      output_schema: { type: 'object' },
    });
    expect(changed.json()).toMatchObject({
      name: 'checker',
      version: 2,
      output_schema: { type: 'object' },
    });
    const wrongKind = await api.alice.request('POST', '/api/v1/agents', {
      project_id: project.id,
      name: 'x',
      kind: 'mcp',
      config: {},
    });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().errors[0]).toMatchObject({ field: '/kind', code: 'invalid_value' });
    const notObject = await api.alice.request('POST', '/api/v1/tools', {
      project_id: project.id,
      name: 'x',
      kind: 'http',
      config: {},
      input_schema: { type: 'array' },
    });
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().errors[0].field).toBe('/input_schema');
    expect((await api.alice.request('DELETE', `/api/v1/tools/${tool.json().id}`)).statusCode).toBe(
      204,
    );
  });

  it('checks each kind’s configuration: known built-ins, http(s) URLs without credentials', async () => {
    const { project, agent } = await seedProject(api.alice);
    const register = (body: object) =>
      api.alice.request('POST', '/api/v1/agents', { project_id: project.id, name: 'a', ...body });
    const fileUrl = await register({ kind: 'http', config: { url: 'file:///etc/passwd' } });
    expect(fileUrl.statusCode).toBe(400);
    expect(fileUrl.json().errors).toEqual([
      expect.objectContaining({ field: '/config/url', code: 'invalid_url' }),
    ]);
    const unknown = await register({ kind: 'builtin', config: { builtin: 'shell' } });
    expect(unknown.json().errors[0]).toMatchObject({
      field: '/config/builtin',
      code: 'invalid_value',
    });
    // A private address is allowed here: the outbound guard decides at call time (ADR 11).
    expect(
      (await register({ kind: 'http', config: { url: 'http://10.0.0.5:8080/run' } })).statusCode,
    ).toBe(201);
    const toHttp = await api.alice.request('PATCH', `/api/v1/agents/${agent.id}`, { kind: 'http' });
    expect(toHttp.statusCode).toBe(400);
    expect(toHttp.json().errors[0]).toMatchObject({ field: '/config/url', code: 'required' });
  });

  it('keeps an http agent’s header values write-only: every answer shows them redacted', async () => {
    const shop = (await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' })).json();
    const created = await api.alice.request('POST', '/api/v1/agents', {
      project_id: shop.id,
      name: 'runtime',
      kind: 'http',
      config: { url: 'https://agents.example/run', headers: { 'X-Api-Key': 'sk-live-123' } },
    });
    expect(created.statusCode).toBe(201);
    const redacted = { url: 'https://agents.example/run', headers: { 'X-Api-Key': '[redacted]' } };
    expect(created.json().config).toEqual(redacted);
    const read = await api.alice.request('GET', `/api/v1/agents/${created.json().id}`);
    expect(read.json().config).toEqual(redacted);
    const listed = await api.alice.request('GET', '/api/v1/agents');
    expect(listed.body).not.toContain('sk-live-123');
    // Stored sealed under ROTA_SECRET_KEY (SPEC section 7); the worker opens it for the call.
    const id = created.json().id as string;
    const storedKey = async () =>
      JSON.parse(
        (
          await db.database.db
            .selectFrom('agents')
            .select('config')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).config,
      ).headers['X-Api-Key'] as string;
    const sealed = await storedKey();
    expect(sealed).not.toContain('sk-live-123');
    const context = headerSealContext('agents', id, 'X-Api-Key');
    expect(api.secrets.open(sealed, context)).toBe('sk-live-123');
    // Bound to its row and header: the same ciphertext does not open as another agent's.
    expect(() =>
      api.secrets.open(sealed, headerSealContext('agents', uuidv7(T0), 'X-Api-Key')),
    ).toThrow();

    // Sending back what was read (the value redacted) keeps the credential, and a new value
    // replaces it.
    const renamed = await api.alice.request('PATCH', `/api/v1/agents/${id}`, {
      name: 'runtime v2',
      config: read.json().config,
    });
    expect(renamed.statusCode).toBe(200);
    expect(api.secrets.open(await storedKey(), context)).toBe('sk-live-123');
    const rotated = await api.alice.request('PATCH', `/api/v1/agents/${id}`, {
      config: { url: 'https://agents.example/run', headers: { 'x-api-key': 'sk-live-456' } },
    });
    expect(rotated.json().config.headers).toEqual({ 'x-api-key': '[redacted]' });
    const after = await db.database.db
      .selectFrom('agents')
      .select('config')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const rotatedValue = JSON.parse(after.config).headers['x-api-key'] as string;
    expect(api.secrets.open(rotatedValue, context)).toBe('sk-live-456');

    // A credential never follows a new URL unless it is sent again: a member cannot point the
    // agent at a server of their own and have the worker hand it the stored key.
    const moved = await api.alice.request('PATCH', `/api/v1/agents/${id}`, {
      config: { url: 'https://collector.example/run', headers: { 'x-api-key': '[redacted]' } },
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json()).toMatchObject({
      code: 'invalid_value',
      errors: [{ field: '/config/headers/x-api-key', code: 'invalid_value' }],
    });
    const unknownHeader = await api.alice.request('PATCH', `/api/v1/agents/${id}`, {
      config: { url: 'https://agents.example/run', headers: { 'X-Other': '[redacted]' } },
    });
    expect(unknownHeader.statusCode).toBe(400);
    const unchanged = await db.database.db
      .selectFrom('agents')
      .select('config')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(unchanged.config)).toEqual(JSON.parse(after.config));
  });

  it('refuses a journey whose agent is not in its project with 400 not_in_project', async () => {
    const { project, agent } = await seedProject(api.alice);
    const other = await seedProject(api.alice, 'Other');
    const body = { project_id: project.id, name: 'j', agent_id: other.agent.id };
    const response = await api.alice.request('POST', '/api/v1/journeys', body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'not_in_project',
      errors: [{ field: '/agent_id', code: 'not_in_project' }],
    });
    const unknown = await api.alice.request('POST', '/api/v1/journeys', {
      ...body,
      agent_id: uuidv7(T0),
    });
    expect(unknown.json().errors[0].field).toBe('/agent_id');
    const ok = await api.alice.request('POST', '/api/v1/journeys', { ...body, agent_id: agent.id });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ description: null, inputs: {}, agent_id: agent.id });
  });

  it('keeps an agent a journey uses: deleting it is 409 resource_in_use', async () => {
    const { agent, browse, checkout, plan } = await seedProject(api.alice);
    const inUse = await api.alice.request('DELETE', `/api/v1/agents/${agent.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().code).toBe('resource_in_use');
    expect((await api.alice.request('DELETE', `/api/v1/journeys/${browse.id}`)).statusCode).toBe(
      409,
    );
    expect((await api.alice.request('DELETE', `/api/v1/test-plans/${plan.id}`)).statusCode).toBe(
      204,
    );
    expect((await api.alice.request('DELETE', `/api/v1/journeys/${browse.id}`)).statusCode).toBe(
      204,
    );
    expect((await api.alice.request('DELETE', `/api/v1/journeys/${checkout.id}`)).statusCode).toBe(
      204,
    );
    expect((await api.alice.request('DELETE', `/api/v1/agents/${agent.id}`)).statusCode).toBe(204);
  });

  it('creates a test plan of the project’s journeys in order, and refuses a journey of another project by index', async () => {
    const { project, browse, checkout, plan } = await seedProject(api.alice);
    expect(plan.journey_ids).toEqual([browse.id, checkout.id]);
    const other = await seedProject(api.alice, 'Other');
    const response = await api.alice.request('POST', '/api/v1/test-plans', {
      project_id: project.id,
      name: 'mixed',
      journey_ids: [checkout.id, other.browse.id],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: '/journey_ids/1', code: 'not_in_project' }),
    ]);
    const reordered = await api.alice.request('PATCH', `/api/v1/test-plans/${plan.id}`, {
      journey_ids: [checkout.id, browse.id],
    });
    expect(reordered.json().journey_ids).toEqual([checkout.id, browse.id]);
    expect(
      (await api.alice.request('GET', `/api/v1/test-plans/${plan.id}`)).json().journey_ids,
    ).toEqual([checkout.id, browse.id]);
  });

  it('lists journeys by project in id order, one page at a time, with an opaque cursor', async () => {
    const { project, browse, checkout } = await seedProject(api.alice);
    await seedProject(api.alice, 'Other');
    const ids = (page: { data: { id: string }[] }) => page.data.map((j) => j.id);
    const url = `/api/v1/journeys?project_id=${project.id}&limit=1`;
    const first = (await api.alice.request('GET', url)).json();
    expect(first.data).toHaveLength(1);
    const second = (await api.alice.request('GET', `${url}&cursor=${first.next_cursor}`)).json();
    expect(second.next_cursor).toBeNull();
    expect([...ids(first), ...ids(second)]).toEqual([browse.id, checkout.id].sort());
    expect((await api.alice.request('GET', '/api/v1/journeys')).json().data).toHaveLength(4);
  });

  it('deletes a project with everything in it', async () => {
    const { project, agent, plan } = await seedProject(api.alice);
    await api.alice.request('POST', '/api/v1/schedules', { project_id: project.id, name: 's' });
    expect((await api.alice.request('DELETE', `/api/v1/projects/${project.id}`)).statusCode).toBe(
      204,
    );
    expect((await api.alice.request('GET', `/api/v1/agents/${agent.id}`)).statusCode).toBe(404);
    expect((await api.alice.request('GET', `/api/v1/test-plans/${plan.id}`)).statusCode).toBe(404);
    expect((await api.alice.request('GET', '/api/v1/schedules')).json().data).toEqual([]);
  });

  it('replays a create sent again with the same Idempotency-Key, and refuses the key with another body', async () => {
    const key = { 'idempotency-key': 'create-shop-1' };
    const first = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, key);
    expect(first.statusCode).toBe(201);
    api.setNow(T0 + 1000);
    const again = await api.alice.request('POST', '/api/v1/projects', { name: 'Shop' }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect((await api.alice.request('GET', '/api/v1/projects')).json().data).toHaveLength(1);
    const other = await api.alice.request('POST', '/api/v1/projects', { name: 'Store' }, key);
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe('idempotency_key_reused');
    // Keys are per tenant: another tenant's identical key is its own.
    const bob = await api.bob.request('POST', '/api/v1/projects', { name: 'Store' }, key);
    expect(bob.statusCode).toBe(201);
    expect(bob.headers['idempotent-replayed']).toBeUndefined();
  });
});
