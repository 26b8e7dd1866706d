// Agents' and tools' header values at rest (SPEC section 7): values kept in clear by an older
// version are sealed at start, once, and open to what they were.
import { afterEach, expect, it } from 'vitest';
import { testSecretBox } from '../../src/auth/auth.test-helpers.ts';
import { headerSealContext } from '../../src/core/callee-config.ts';
import { sealClearHeaders } from '../../src/storage/registry-store.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { id, T0 } from './fixtures.ts';

describeEachDatabase('sealing header values kept in clear', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('seals each clear value once, leaves sealed ones and configurations without headers', async () => {
    current = await fresh();
    const { db } = current.database;
    const box = testSecretBox();
    const tenant = id('tenant');
    const project = id('project');
    const stamp = { created_at: T0, updated_at: T0 };
    await db
      .insertInto('tenants')
      .values({ id: tenant, name: tenant, timezone: 'UTC', ...stamp })
      .execute();
    await db
      .insertInto('projects')
      .values({ id: project, tenant_id: tenant, name: 'p', ...stamp })
      .execute();
    const agent = (agentId: string, config: object) => ({
      id: agentId,
      tenant_id: tenant,
      project_id: project,
      name: agentId,
      kind: 'http',
      config: JSON.stringify(config),
      input_schema: null,
      output_schema: null,
      timeout_seconds: null,
      version: 1,
      ...stamp,
    });
    const [clear, sealed, bare] = [id('agent'), id('agent'), id('agent')];
    const alreadySealed = box.seal('sk-b', headerSealContext('agents', sealed, 'Authorization'));
    await db
      .insertInto('agents')
      .values([
        agent(clear, {
          url: 'https://a.example',
          headers: { 'X-Api-Key': 'sk-a', 'X-Team': 'qa' },
        }),
        agent(sealed, { url: 'https://b.example', headers: { Authorization: alreadySealed } }),
        agent(bare, { url: 'https://c.example' }),
      ])
      .execute();
    const tool = {
      ...agent(id('tool'), { url: 'https://t.example', headers: { 'X-Key': 'sk-t' } }),
    };
    await db.insertInto('tools').values(tool).execute();

    expect(await sealClearHeaders(current.database, box)).toBe(2);
    expect(await sealClearHeaders(current.database, box)).toBe(0);

    const configOf = async (table: 'agents' | 'tools', rowId: string) =>
      JSON.parse(
        (
          await db
            .selectFrom(table)
            .select('config')
            .where('id', '=', rowId)
            .executeTakeFirstOrThrow()
        ).config,
      ) as { url: string; headers?: Record<string, string> };
    const a = await configOf('agents', clear);
    expect(a.url).toBe('https://a.example');
    expect(JSON.stringify(a)).not.toContain('sk-a');
    expect(
      box.open(a.headers!['X-Api-Key']!, headerSealContext('agents', clear, 'X-Api-Key')),
    ).toBe('sk-a');
    expect(box.open(a.headers!['X-Team']!, headerSealContext('agents', clear, 'X-Team'))).toBe(
      'qa',
    );
    expect((await configOf('agents', sealed)).headers).toEqual({ Authorization: alreadySealed });
    expect(await configOf('agents', bare)).toEqual({ url: 'https://c.example' });
    const t = await configOf('tools', tool.id);
    expect(box.open(t.headers!['X-Key']!, headerSealContext('tools', tool.id, 'X-Key'))).toBe(
      'sk-t',
    );
  });
});
