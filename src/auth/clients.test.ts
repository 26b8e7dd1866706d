import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { openSqlite } from '../storage/sqlite/sqlite-database.ts';
import { ensureTenantNamed } from '../storage/tenant-store.ts';
import { AUTH_T0, randomSecretKey, tokenServiceOn } from './auth.test-helpers.ts';
import { clientAdmin } from './clients.ts';

let dir: string;
let database: Database;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-clients-'));
  database = openSqlite({ path: join(dir, 'rota.db') });
  await migrateToLatest(database);
  for (const name of ['acme', 'globex'])
    await ensureTenantNamed(database, name, { id: name, now: AUTH_T0 });
});
afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('clientAdmin', () => {
  let ids = 0;
  const admin = () => clientAdmin(database, { now: () => AUTH_T0, newId: () => `client-${++ids}` });

  it('creates a client whose secret is shown once and mints a token', async () => {
    const created = await admin().create('acme', { role: 'member', name: 'ci' });
    expect(created.client).toEqual({
      id: expect.stringMatching(/^client-/),
      tenant_id: 'acme',
      client_id: expect.stringMatching(/^rc_/),
      name: 'ci',
      role: 'member',
      created_at: AUTH_T0,
      updated_at: AUTH_T0,
    });
    const { service } = tokenServiceOn(database, { secretKey: randomSecretKey() });
    const minted = await service.issueClientToken(created.client.client_id, created.clientSecret);
    expect(minted.ok && minted.response.scope).toBe('read write');
  });

  it('never shows or removes another tenant’s client', async () => {
    const clients = admin();
    const { client } = await clients.create('acme', { role: 'admin', name: 'ops' });
    expect(await clients.list('globex')).toEqual([]);
    expect(await clients.get('globex', client.id)).toBeUndefined();
    expect(await clients.remove('globex', client.id)).toBe(false);
    expect(await clients.list('acme')).toEqual([client]);
    expect(await clients.get('acme', client.id)).toEqual(client);
    expect(await clients.remove('acme', client.id)).toBe(true);
    expect(await clients.list('acme')).toEqual([]);
  });
});
