// Two `rota serve` replicas on one PostgreSQL database, started at the same moment with the same
// ROTA_SECRET_KEY: one signing key between them, and a client that `rota clients create` made
// with no server running mints on one replica a token the other's published keys verify.
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.test-helpers.ts';
import { loadConfig } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';
import { describePostgres, POSTGRES_URL } from '../storage/databases.ts';

const servers: RunningServer[] = [];
const databases: string[] = [];

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

// Dropping a database waits for its last connections to go; give it more than the default.
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
  for (const name of databases.splice(0))
    await admin(`drop database if exists ${name} with (force)`);
}, 30_000);

describePostgres('rota serve replicas', () => {
  it('share one signing key, and verify each other’s tokens', async () => {
    // A database of its own: `serve` and the CLI use the configured URL as it is.
    const name = `rota_auth_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin(`create database ${name}`);
    databases.push(name);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    const env = {
      ROTA_DATABASE_URL: url.toString(),
      ROTA_SECRET_KEY: randomBytes(32).toString('hex'),
      ROTA_PUBLIC_URL: 'https://rota.example.test',
      ROTA_PORT: '0',
      ROTA_HOST: '127.0.0.1',
      ROTA_LOG_LEVEL: 'error',
    };
    const created = await runCli(['clients', 'create', '--role', 'member', '--json'], env);
    expect(created.code).toBe(0);
    const client = JSON.parse(created.stdout);

    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const quiet = { write: () => undefined };
    const [one, two] = await Promise.all([
      serve(loaded.config, { role: 'api', logDestination: quiet }),
      serve(loaded.config, { role: 'api', logDestination: quiet }),
    ]);
    servers.push(one, two);
    const jwks = async (server: RunningServer) =>
      (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string }[];
      };
    const [setOne, setTwo] = await Promise.all([jwks(one), jwks(two)]);
    expect(setOne.keys).toHaveLength(1);
    expect(setTwo).toEqual(setOne);

    const response = await fetch(`${one.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      }).toString(),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createLocalJWKSet(setTwo as Parameters<typeof createLocalJWKSet>[0]),
      {
        issuer: 'https://rota.example.test',
        audience: 'https://rota.example.test/api',
        algorithms: ['EdDSA'],
      },
    );
    expect(protectedHeader.kid).toBe(setOne.keys[0]!.kid);
    expect(payload).toMatchObject({
      sub: client.client_id,
      tenant: client.tenant_id,
      role: 'member',
    });
  });
});
