// Machine identity on both databases: clients scoped by tenant, one signing key however many
// replicas start at once, and a token minted by one replica verified by another.
import { decodeProtectedHeader } from 'jose';
import { afterEach, expect, it } from 'vitest';
import { clientOf, randomSecretKey, tokenServiceOn } from '../../src/auth/auth.test-helpers.ts';
import { createClient } from '../../src/auth/clients.ts';
import {
  deleteClient,
  deleteClientByClientId,
  findClient,
  findClientByClientId,
  listClients,
} from '../../src/storage/client-store.ts';
import type { Database } from '../../src/storage/database.ts';
import { listSigningKeys, offerSigningKey } from '../../src/storage/signing-key-store.ts';
import { ensureTenantNamed } from '../../src/storage/tenant-store.ts';
import { describeEachDatabase, describePostgres, type TestDatabase } from './databases.ts';

const opened: TestDatabase[] = [];
const replicas: Database[] = [];
afterEach(async () => {
  for (const replica of replicas.splice(0)) await replica.close();
  for (const database of opened.splice(0)) await database.dispose();
});

describeEachDatabase('machine identity', (fresh) => {
  const open = async () => {
    const database = await fresh();
    opened.push(database);
    return database;
  };
  const replicaOf = (database: TestDatabase) => {
    const replica = database.reopen();
    replicas.push(replica);
    return replica;
  };

  it('finds a tenant by name, creating it once', async () => {
    const { database } = await open();
    const first = await ensureTenantNamed(database, 'acme', { id: 't-1', now: 1 });
    const again = await ensureTenantNamed(database, 'acme', { id: 't-2', now: 2 });
    expect([first, again]).toEqual([
      { id: 't-1', created: true },
      { id: 't-1', created: false },
    ]);
  });

  it('keeps only a digest of a client secret, and scopes reads and deletes by tenant', async () => {
    const { database } = await open();
    const acme = await clientOf(database, 'acme', 'admin');
    const globex = await clientOf(database, 'globex');
    const row = await findClientByClientId(database, acme.client.client_id);
    expect(row).toEqual({
      ...acme.client,
      secret_digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      kind: 'machine',
      grant_types: '["client_credentials"]',
      redirect_uri: null,
      secret_sealed: null,
    });
    expect(JSON.stringify(row)).not.toContain(acme.clientSecret);
    expect(await listClients(database, acme.client.tenant_id)).toEqual([acme.client]);
    // Same-millisecond ids sort randomly between themselves: compare as sets.
    const everyone = await listClients(database, undefined);
    expect(everyone).toHaveLength(2);
    expect(everyone).toEqual(expect.arrayContaining([acme.client, globex.client]));
    expect(await findClient(database, globex.client.tenant_id, acme.client.id)).toBeUndefined();
    expect(await deleteClient(database, globex.client.tenant_id, acme.client.id)).toBe(false);
    expect(await findClient(database, acme.client.tenant_id, acme.client.id)).toEqual(acme.client);
    expect(await deleteClient(database, acme.client.tenant_id, acme.client.id)).toBe(true);
    expect(await findClientByClientId(database, acme.client.client_id)).toBeUndefined();
  });

  it('deletes a client by its public id for operator commands, whatever its tenant', async () => {
    const { database } = await open();
    const acme = await clientOf(database, 'acme');
    const globex = await clientOf(database, 'globex');
    expect(await deleteClientByClientId(database, acme.client.client_id)).toBe(true);
    expect(await deleteClientByClientId(database, acme.client.client_id)).toBe(false);
    expect(await listClients(database, undefined)).toEqual([globex.client]);
  });

  it('refuses a second client with the same public id', async () => {
    const { database } = await open();
    const { client } = await clientOf(database, 'acme');
    const digest = (await findClientByClientId(database, client.client_id))!.secret_digest;
    await expect(
      database.db
        .insertInto('oauth_clients')
        .values({ ...client, id: 'another-row', secret_digest: digest })
        .execute(),
    ).rejects.toThrow();
  });

  it('removes a tenant’s clients with the tenant', async () => {
    const { database } = await open();
    const { client } = await clientOf(database, 'acme');
    await database.db.deleteFrom('tenants').where('id', '=', client.tenant_id).execute();
    expect(await listClients(database, undefined)).toEqual([]);
  });

  it('keeps one signing key per generation: a second offer is ignored', async () => {
    const { database } = await open();
    const row = (kid: string) => ({
      kid,
      generation: 1,
      alg: 'EdDSA',
      public_jwk: '{}',
      private_jwk_sealed: 'v1.x',
      created_at: 1,
      retired_at: null,
    });
    expect(await offerSigningKey(database, row('first'))).toBe(true);
    expect(await offerSigningKey(database, row('second'))).toBe(false);
    expect((await listSigningKeys(database)).map((r) => r.kid)).toEqual(['first']);
  });

  it('gives two replicas starting at once one key, and a token from one verifies on the other', async () => {
    const test = await open();
    const secretKey = randomSecretKey();
    const one = tokenServiceOn(test.database, { secretKey });
    const two = tokenServiceOn(replicaOf(test), { secretKey });
    const [a, b] = await Promise.all([one.keys.signingKey(), two.keys.signingKey()]);
    expect(a.kid).toBe(b.kid);
    expect(await listSigningKeys(test.database)).toHaveLength(1);
    const { client, clientSecret } = await clientOf(test.database, 'acme', 'admin');
    const minted = await one.service.issueClientToken(client.client_id, clientSecret);
    const token = minted.ok ? minted.response.access_token : '';
    expect(decodeProtectedHeader(token).kid).toBe(a.kid);
    expect(await two.service.verifyAccessToken(token)).toEqual({
      ok: true,
      principal: {
        tenantId: client.tenant_id,
        role: 'admin',
        subject: client.client_id,
        kind: 'client',
        scopes: ['read', 'write', 'admin'],
      },
    });
    expect(await two.service.jwks()).toEqual(await one.service.jwks());
  });

  it('lets a client created through one replica mint on another, and a delete on one revoke on both', async () => {
    const test = await open();
    const secretKey = randomSecretKey();
    const one = tokenServiceOn(test.database, { secretKey });
    const replica = replicaOf(test);
    const two = tokenServiceOn(replica, { secretKey });
    const { id: tenantId } = await ensureTenantNamed(test.database, 'acme', { id: 't', now: 1 });
    const created = await createClient(replica, {
      tenantId,
      role: 'member',
      name: 'ci',
      id: 'c-1',
      now: 1,
    });
    const minted = await one.service.issueClientToken(
      created.client.client_id,
      created.clientSecret,
    );
    const token = minted.ok ? minted.response.access_token : '';
    expect((await two.service.verifyAccessToken(token)).ok).toBe(true);
    await deleteClient(test.database, tenantId, 'c-1');
    const after = await two.service.verifyAccessToken(token);
    expect(after.ok ? 'accepted' : after.reason).toBe('revoked');
  });

  it('refuses to sign on a replica given another ROTA_SECRET_KEY', async () => {
    const test = await open();
    await tokenServiceOn(test.database, { secretKey: randomSecretKey() }).keys.signingKey();
    const stray = tokenServiceOn(replicaOf(test), { secretKey: randomSecretKey() });
    await expect(stray.keys.signingKey()).rejects.toThrow(/sealed under another ROTA_SECRET_KEY/);
  });
});

describePostgres('signing keys under racing replicas', (fresh) => {
  it('leaves one key when eight replicas create the first one at the same moment', async () => {
    const test = await fresh();
    opened.push(test);
    const secretKey = randomSecretKey();
    const fleet = Array.from({ length: 8 }, () => {
      const replica = test.reopen();
      replicas.push(replica);
      return tokenServiceOn(replica, { secretKey });
    });
    const kids = await Promise.all(fleet.map(async (r) => (await r.keys.signingKey()).kid));
    expect(new Set(kids).size).toBe(1);
    expect((await listSigningKeys(test.database)).map((r) => r.kid)).toEqual([kids[0]]);
  });
});
