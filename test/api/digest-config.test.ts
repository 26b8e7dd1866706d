// digest_config through the API: the core's parseDigestConfig decides (SPEC section 8), so the
// API refuses exactly what the mailer would, with a JSON pointer to each bad field.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, seedProject, type ApiHarness } from './api-harness.ts';

describeEachDatabase('digest_config in the API', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  let projectId: string;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
    projectId = (await seedProject(api.alice)).project.id;
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  const create = (digest_config: unknown) =>
    api.alice.request('POST', '/api/v1/schedules', {
      project_id: projectId,
      name: 'Nightly',
      digest_config,
    });

  it('refuses a recipient with CR/LF (header injection) as 400 invalid_email on that recipient', async () => {
    const response = await create({
      recipients: ['qa@shop.example', 'qa@shop.example\r\nBcc: all@evil.example'],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'invalid_email',
      errors: [{ field: '/digest_config/recipients/1', code: 'invalid_email' }],
    });
    expect(response.json().errors[0].message).toContain('line breaks');
  });

  it('refuses a recipient listed twice, whatever the case of its domain', async () => {
    const response = await create({ recipients: ['qa@shop.example', 'qa@SHOP.example'] });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: '/digest_config/recipients/1', code: 'invalid_value' }),
    ]);
  });

  it('refuses 51 recipients and an enabled digest with none, on /digest_config/recipients', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `qa${i}@shop.example`);
    const tooMany = await create({ recipients: many });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().errors).toEqual([
      expect.objectContaining({ field: '/digest_config/recipients', code: 'invalid_value' }),
    ]);
    expect((await create({ recipients: many.slice(0, 50) })).statusCode).toBe(201);
    const none = await create({ recipients: [] });
    expect(none.json().errors[0]).toMatchObject({
      field: '/digest_config/recipients',
      code: 'invalid_value',
    });
    const missing = await create({ send: 'always' });
    expect(missing.json().errors[0]).toMatchObject({
      field: '/digest_config/recipients',
      code: 'required',
    });
  });

  it('refuses a display name or a non-ASCII host, and the same checks hold on PATCH', async () => {
    for (const address of ['QA <qa@shop.example>', 'qa@shöp.example', 'a,b@shop.example']) {
      const response = await create({ recipients: [address] });
      expect(response.statusCode, address).toBe(400);
      expect(response.json().errors[0]).toMatchObject({
        field: '/digest_config/recipients/0',
        code: 'invalid_email',
      });
    }
    const schedule = (await create(null)).json();
    const patched = await api.alice.request('PATCH', `/api/v1/schedules/${schedule.id}`, {
      digest_config: { recipients: ['qa@shop.example', 'qa@shop.example'] },
    });
    expect(patched.statusCode).toBe(400);
    expect(patched.json().errors[0].field).toBe('/digest_config/recipients/1');
    const read = await api.alice.request('GET', `/api/v1/schedules/${schedule.id}`);
    expect(read.json().digest_config).toBeNull();
  });

  it('accepts a disabled digest without recipients, as the mailer does', async () => {
    const response = await create({ enabled: false });
    expect(response.statusCode).toBe(201);
    expect(response.json().digest_config).toEqual({
      enabled: false,
      recipients: [],
      send: 'always',
      min_severity: null,
    });
  });
});
