import { expect, it } from 'vitest';
import { ensureDefaultTenant, ensureTenantNamed } from '../../src/storage/tenant-store.ts';
import { describeEachDatabase } from './databases.ts';

describeEachDatabase('the default tenant', (fresh) => {
  it('is created on an empty database, once', async () => {
    const { database } = await fresh();
    const first = await ensureDefaultTenant(database, { id: 't-1', now: 1000 });
    const second = await ensureDefaultTenant(database, { id: 't-2', now: 2000 });
    expect(first).toEqual({ id: 't-1', created: true });
    expect(second).toEqual({ id: 't-1', created: false });
    const rows = await database.db
      .selectFrom('tenants')
      .select(['id', 'name', 'timezone'])
      .execute();
    expect(rows).toEqual([{ id: 't-1', name: 'default', timezone: 'UTC' }]);
  });

  it('starts every new tenant with the daily agent budget of 200 (SPEC section 3)', async () => {
    const { database } = await fresh();
    await ensureDefaultTenant(database, { id: 't-1', now: 1000 });
    await ensureTenantNamed(database, 'acme', { id: 't-2', now: 1000 });
    const rows = await database.db
      .selectFrom('tenants')
      .select(['name', 'daily_agent_budget'])
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'acme', daily_agent_budget: 200 },
      { name: 'default', daily_agent_budget: 200 },
    ]);
  });

  it('is not created where a tenant already exists', async () => {
    const { database } = await fresh();
    await database.db
      .insertInto('tenants')
      .values({
        id: 'acme',
        name: 'acme',
        timezone: 'Europe/Berlin',
        daily_agent_budget: 10,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    expect(await ensureDefaultTenant(database, { id: 't-1', now: 1000 })).toEqual({
      id: 'acme',
      created: false,
    });
  });
});
