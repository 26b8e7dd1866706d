// docs/authorization.md's verification example, run as written against tokens Rota mints and the
// JWKS it serves from a real loopback server: the page cannot drift from what agents receive.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSecretKey } from '../../src/auth/auth.test-helpers.ts';
import { GrantTokens } from '../../src/auth/grant-tokens.ts';
import { OnBehalfOf } from '../../src/auth/on-behalf-of.ts';
import { SecretBox } from '../../src/auth/secret-box.ts';
import { parseSecretKey } from '../../src/auth/secret-key.ts';
import { SigningKeys } from '../../src/auth/signing-keys.ts';
import type { Database } from '../../src/storage/database.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { DAY, seedGrant } from '../fixtures/people.ts';
import { insertRun, tickRun } from '../worker/call-fixtures.ts';

/** The first TypeScript block of the page: the verifier. */
function exampleSource(): string {
  const page = readFileSync('docs/authorization.md', 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
  if (block === undefined) throw new Error('docs/authorization.md has no ```ts block');
  return block;
}

type Verify = (authorization: string | undefined) => Promise<unknown>;
type RotaVerifier = (rotaUrl: string, myOrigin: string) => Verify;

const AGENT = 'https://agent.example.test';
const now = () => Date.now();
let dir: string;
let database: Database;
let keys: SigningKeys;
let obo: OnBehalfOf;
let jwks: Server;
let rotaUrl: string;
let rotaVerifier: RotaVerifier;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-doc-'));
  database = openSqlite({ path: join(dir, 'rota.db') });
  await migrateToLatest(database);
  const box = new SecretBox(parseSecretKey(randomSecretKey())!);
  keys = new SigningKeys({ database, box, now });
  // Rota's JWKS at the path the page names; the issuer is where it is served.
  jwks = createServer((request, response) => {
    if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
    void keys
      .jwks()
      .then((set) =>
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(set)),
      );
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  rotaUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  const grants = new GrantTokens({
    database,
    box,
    keys,
    issuer: rotaUrl,
    audience: `${rotaUrl}/api`,
    now,
    newId: randomUUID,
    grantTtlMs: 90 * DAY,
  });
  obo = new OnBehalfOf({ database, keys, grants, issuer: rotaUrl, now });
  // The example as the page has it, its jose import pointed at this checkout's jose.
  const file = join(dir, 'authorization-example.ts');
  writeFileSync(
    file,
    exampleSource().replace(`from 'jose'`, `from '${import.meta.resolve('jose')}'`),
  );
  ({ rotaVerifier } = (await import(pathToFileURL(file).href)) as { rotaVerifier: RotaVerifier });
});

afterAll(async () => {
  await new Promise<void>((resolve) => jwks.close(() => resolve()));
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const minted = async (runId: string, calleeUrl = `${AGENT}/walk`) => {
  const outcome = await obo.onBehalfOf({ id: runId }, calleeUrl);
  if (!outcome.ok) throw new Error(outcome.message);
  return `Bearer ${outcome.bearer}`;
};

describe('docs/authorization.md’s verification example', () => {
  it('accepts the token of a user-owned schedule’s run and names the user, the tenant and the run', async () => {
    const run = await tickRun(database, 'user', `${AGENT}/walk`);
    await seedGrant(database.db, {
      tenantId: run.tenant,
      userId: run.userId,
      createdAt: now() - DAY,
      expiresAt: now() + 30 * DAY,
    });
    const verify = rotaVerifier(rotaUrl, AGENT);
    expect(await verify(await minted(run.runId))).toEqual({
      subject: run.userId,
      kind: 'user',
      tenant: run.tenant,
      runId: run.runId,
    });
  });

  it('accepts a machine client’s run as the client, and a run started directly as its starter', async () => {
    const run = await tickRun(database, 'client', `${AGENT}/walk`);
    const verify = rotaVerifier(rotaUrl, AGENT);
    expect(await verify(await minted(run.runId))).toMatchObject({
      subject: 'client-1',
      kind: 'client',
    });
    const direct = await insertRun(database, run, { tick_id: null, trigger: 'api', by: 'ci-bot' });
    expect(await verify(await minted(direct))).toMatchObject({ subject: 'ci-bot', runId: direct });
  });

  it('refuses a token sent to another origin, a missing header, and a Rota token that is not on-behalf-of', async () => {
    const run = await tickRun(database, 'client', `${AGENT}/walk`);
    const verify = rotaVerifier(rotaUrl, AGENT);
    await expect(
      verify(await minted(run.runId, 'https://elsewhere.example.test/x')),
    ).rejects.toThrow(/aud/);
    await expect(verify(undefined)).rejects.toThrow('a bearer token is required');
    // Signed with Rota's own key, but without the actor: not a token Rota sends to agents.
    const key = await keys.signingKey();
    const seconds = Math.floor(now() / 1000);
    const bare = await new SignJWT({ tenant: run.tenant, run_id: run.runId })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'obo+jwt' })
      .setIssuer(rotaUrl)
      .setAudience(AGENT)
      .setSubject('someone')
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + 60)
      .sign(key.privateKey);
    await expect(verify(`Bearer ${bare}`)).rejects.toThrow(/act/);
    const impostor = await new SignJWT({ tenant: run.tenant, run_id: run.runId, act: { sub: 'x' } })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'obo+jwt' })
      .setIssuer(rotaUrl)
      .setAudience(AGENT)
      .setSubject('someone')
      .setIssuedAt(seconds)
      .setExpirationTime(seconds + 60)
      .sign(key.privateKey);
    await expect(verify(`Bearer ${impostor}`)).rejects.toThrow('not acting as Rota');
  });
});
