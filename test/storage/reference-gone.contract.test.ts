// A write that references a row deleted meanwhile fails with the database's foreign-key error;
// isReferenceGone recognises it on both databases (the API answers 400, not 500), and nothing else.
import { afterEach, expect, it } from 'vitest';
import { isDatabaseUnavailable, isReferenceGone } from '../../src/storage/database-unavailable.ts';
import { describeEachDatabase, type TestDatabase } from './databases.ts';
import { seedSchedule, T0 } from './fixtures.ts';

describeEachDatabase('a reference that is gone', (fresh) => {
  let current: TestDatabase | undefined;
  afterEach(async () => {
    await current?.dispose();
    current = undefined;
  });

  it('is told apart from an unreachable database and from other failures', async () => {
    current = await fresh();
    const { database } = current;
    const seed = await seedSchedule(database.db);
    const failure = await database.db
      .insertInto('journeys')
      .values({
        id: 'journey-gone',
        tenant_id: seed.tenant,
        project_id: seed.project,
        name: 'j',
        description: null,
        agent_id: 'agent-deleted-meanwhile',
        inputs: '{}',
        created_at: T0,
        updated_at: T0,
      })
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(isReferenceGone(failure)).toBe(true);
    expect(isDatabaseUnavailable(failure)).toBe(false);
    const duplicate = await database.db
      .insertInto('tenants')
      .values({
        id: seed.tenant,
        name: 'again',
        timezone: 'UTC',
        daily_agent_budget: null,
        created_at: T0,
        updated_at: T0,
      })
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(duplicate).toBeInstanceOf(Error);
    expect(isReferenceGone(duplicate)).toBe(false);
  });
});
