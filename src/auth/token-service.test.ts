// The client-credentials grant and token verification, with every attack RFC 8725 and
// research/reliability.md (B20-B24) list, on a real SQLite database.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, SignJWT, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../storage/database.ts';
import { migrateToLatest } from '../storage/migrate.ts';
import { openSqlite } from '../storage/sqlite/sqlite-database.ts';
import {
  AUTH_T0,
  clientOf,
  PUBLIC_URL,
  randomSecretKey,
  tokenServiceOn,
  type AuthFixture,
} from './auth.test-helpers.ts';
import { revokeClient, type NewClient } from './clients.ts';

let dir: string;
let database: Database;
let auth: AuthFixture;
let client: NewClient;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-auth-'));
  database = openSqlite({ path: join(dir, 'rota.db') });
  await migrateToLatest(database);
  auth = tokenServiceOn(database, { secretKey: randomSecretKey() });
  client = await clientOf(database, 'acme', 'admin');
});
afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

async function mint(scope?: string): Promise<string> {
  const outcome = await auth.service.issueClientToken(
    client.client.client_id,
    client.clientSecret,
    scope,
  );
  if (!outcome.ok) throw new Error(outcome.description);
  return outcome.response.access_token;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed with Rota's own key, with claims and header chosen by the test. */
async function signedByRota(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const key = await auth.keys.signingKey();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt', ...header })
    .sign(key.privateKey);
}

async function validClaims(): Promise<Record<string, unknown>> {
  return decodeJwt(await mint());
}

describe('the client-credentials grant', () => {
  it('mints an EdDSA at+jwt with every claim the SPEC names, valid for at most an hour', async () => {
    const outcome = await auth.service.token({
      grantType: 'client_credentials',
      clientId: client.client.client_id,
      clientSecret: client.clientSecret,
      scope: undefined,
    });
    expect(outcome.ok && outcome.response).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'read write admin',
    });
    const token = outcome.ok ? outcome.response.access_token : '';
    const key = await auth.keys.signingKey();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toEqual({
      iss: PUBLIC_URL,
      aud: `${PUBLIC_URL}/api`,
      sub: client.client.client_id,
      client_id: client.client.client_id,
      tenant: client.client.tenant_id,
      scope: 'read write admin',
      role: 'admin',
      iat: AUTH_T0 / 1000,
      exp: AUTH_T0 / 1000 + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('verifies its own token into the caller: tenant, role, subject, kind and scopes', async () => {
    const token = await mint('read');
    expect(await auth.service.verifyAccessToken(token)).toEqual({
      ok: true,
      principal: {
        tenantId: client.client.tenant_id,
        role: 'admin',
        subject: client.client.client_id,
        kind: 'client',
        scopes: ['read'],
      },
    });
  });

  it('refuses a wrong secret and an unknown client with invalid_client', async () => {
    const wrong = await auth.service.issueClientToken(
      client.client.client_id,
      `${client.clientSecret}x`,
    );
    const unknown = await auth.service.issueClientToken('rc_nobody', client.clientSecret);
    expect(wrong).toEqual({
      ok: false,
      error: 'invalid_client',
      description: 'client authentication failed',
    });
    expect(unknown).toEqual(wrong);
  });

  it('refuses a scope the role does not hold, and an unknown scope, with invalid_scope', async () => {
    const member = await clientOf(database, 'acme', 'member');
    const outcome = await auth.service.issueClientToken(
      member.client.client_id,
      member.clientSecret,
      'read admin',
    );
    expect(outcome).toEqual({
      ok: false,
      error: 'invalid_scope',
      description: 'scope not allowed: admin',
    });
    const unknown = await auth.service.issueClientToken(
      client.client.client_id,
      client.clientSecret,
      'root',
    );
    expect(unknown.ok ? undefined : unknown.error).toBe('invalid_scope');
    // What the caller sent is echoed only when it cannot break out of a quoted string.
    const quoted = await auth.service.issueClientToken(
      client.client.client_id,
      client.clientSecret,
      'read "x"',
    );
    expect(quoted.ok ? undefined : quoted.description).toBe(
      'scope not allowed: (a value that is not a name)',
    );
  });

  it('answers a missing or foreign grant type before looking at credentials', async () => {
    const base = { clientId: undefined, clientSecret: undefined, scope: undefined };
    expect(await auth.service.token({ ...base, grantType: undefined })).toMatchObject({
      error: 'invalid_request',
    });
    expect(await auth.service.token({ ...base, grantType: 'password' })).toEqual({
      ok: false,
      error: 'unsupported_grant_type',
      description:
        'grant_type password is not supported; use client_credentials, authorization_code or refresh_token',
    });
    expect(await auth.service.token({ ...base, grantType: 'client_credentials' })).toMatchObject({
      error: 'invalid_client',
    });
  });

  it('signs every token with one key, created once', async () => {
    const [a, b] = await Promise.all([mint(), mint()]);
    expect(decodeProtectedHeader(a).kid).toBe(decodeProtectedHeader(b).kid);
    expect(await database.db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
  });
});

describe('verification refuses', () => {
  const reasonOf = async (token: string) => {
    const verified = await auth.service.verifyAccessToken(token);
    return verified.ok ? 'accepted' : verified.reason;
  };

  it('an unsecured token (alg: none)', async () => {
    const key = await auth.keys.signingKey();
    const token = `${b64({ alg: 'none', kid: key.kid, typ: 'at+jwt' })}.${b64(await validClaims())}.`;
    expect(await reasonOf(token)).toBe('algorithm');
  });

  it('an HS256 token keyed with Rota’s public key (algorithm confusion)', async () => {
    const key = await auth.keys.signingKey();
    const jwks = await auth.service.jwks();
    const publicX = Buffer.from((jwks.keys[0] as JWK).x!, 'base64url');
    const input = `${b64({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' })}.${b64(await validClaims())}`;
    const signature = createHmac('sha256', publicX).update(input).digest('base64url');
    expect(await reasonOf(`${input}.${signature}`)).toBe('algorithm');
  });

  it('a token whose signature was forged with another key under Rota’s kid', async () => {
    const key = await auth.keys.signingKey();
    const forger = generateKeyPairSync('ed25519');
    const token = await new SignJWT(await validClaims())
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .sign(forger.privateKey);
    expect(await reasonOf(token)).toBe('signature');
  });

  it('a token with a tampered payload', async () => {
    const [header, , signature] = (await mint('read')).split('.');
    const escalated = { ...(await validClaims()), scope: 'read write admin' };
    expect(await reasonOf(`${header}.${b64(escalated)}.${signature}`)).toBe('signature');
  });

  it('a key id Rota never made, and a kid that tries a path or SQL', async () => {
    const forger = generateKeyPairSync('ed25519');
    const kid = await calculateJwkThumbprint(forger.publicKey.export({ format: 'jwk' }));
    for (const badKid of [kid, '../../dev/null', "x' union select 'k"]) {
      const token = await new SignJWT(await validClaims())
        .setProtectedHeader({ alg: 'EdDSA', kid: badKid, typ: 'at+jwt' })
        .sign(forger.privateKey);
      expect(await reasonOf(token), badKid).toBe('unknown_key');
    }
  });

  it('jku, x5u, jwk and x5c headers, even on a token Rota signed', async () => {
    const forger = generateKeyPairSync('ed25519');
    const embedded = forger.publicKey.export({ format: 'jwk' });
    const headers = [
      { jku: 'http://127.0.0.1:9/jwks.json' },
      { x5u: 'http://127.0.0.1:9/cert.pem' },
      { jwk: embedded },
      { x5c: ['MIIB'] },
    ];
    for (const header of headers) {
      const token = await signedByRota(await validClaims(), header);
      expect(await reasonOf(token), Object.keys(header)[0]).toBe('forbidden_header');
    }
  });

  it('a token of another type, or with no type', async () => {
    expect(await reasonOf(await signedByRota(await validClaims(), { typ: 'JWT' }))).toBe('claims');
    const key = await auth.keys.signingKey();
    const untyped = await new SignJWT(await validClaims())
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .sign(key.privateKey);
    expect(await reasonOf(untyped)).toBe('claims');
  });

  it('a wrong issuer or audience, or none', async () => {
    const claims = await validClaims();
    expect(await reasonOf(await signedByRota({ ...claims, iss: 'https://evil.example' }))).toBe(
      'claims',
    );
    expect(
      await reasonOf(await signedByRota({ ...claims, aud: 'https://other.example/api' })),
    ).toBe('claims');
    const noAudience = { ...claims };
    delete noAudience.aud;
    expect(await reasonOf(await signedByRota(noAudience))).toBe('claims');
  });

  it('a token without exp, and one that lives longer than an hour', async () => {
    const claims = await validClaims();
    delete claims.exp;
    expect(await reasonOf(await signedByRota(claims))).toBe('claims');
    const long = { ...claims, exp: (claims.iat as number) + 7200 };
    expect(await reasonOf(await signedByRota(long))).toBe('claims');
  });

  it('an expired token, after a clock skew of 30 seconds', async () => {
    const token = await mint();
    auth.clock.now = AUTH_T0 + 3600_000 + 29_000;
    expect(await reasonOf(token)).toBe('accepted');
    auth.clock.now = AUTH_T0 + 3600_000 + 31_000;
    expect(await reasonOf(token)).toBe('expired');
  });

  it('a deleted client’s token, at once', async () => {
    const token = await mint();
    expect(await reasonOf(token)).toBe('accepted');
    expect(await revokeClient(database, client.client.tenant_id, client.client.id)).toBe(true);
    expect(await reasonOf(token)).toBe('revoked');
    const again = await auth.service.issueClientToken(client.client.client_id, client.clientSecret);
    expect(again.ok ? 'minted' : again.error).toBe('invalid_client');
  });

  it('a token that moves its client to another tenant', async () => {
    const other = await clientOf(database, 'globex');
    const claims = { ...(await validClaims()), tenant: other.client.tenant_id };
    expect(await reasonOf(await signedByRota(claims))).toBe('revoked');
  });

  it('text that is no JWT at all', async () => {
    for (const junk of ['', 'abc', 'a.b.c', `${b64({ alg: 'EdDSA' })}.e30`])
      expect(await reasonOf(junk), junk).toBe('malformed');
  });
});

describe('authenticate', () => {
  it('turns a Bearer header into the caller', async () => {
    const token = await mint('read');
    const result = await auth.service.authenticate(`Bearer ${token}`);
    expect(result.ok && result.principal.scopes).toEqual(['read']);
  });

  it('answers no header, another scheme and a bad token with the challenge RFC 6750 describes', async () => {
    expect(await auth.service.authenticate(undefined)).toEqual({
      ok: false,
      wwwAuthenticate: 'Bearer',
      description: 'a bearer token is required',
    });
    const basic = await auth.service.authenticate('Basic dXNlcjpwYXNz');
    expect(basic.ok ? '' : basic.wwwAuthenticate).toMatch(/^Bearer error="invalid_request"/);
    const bad = await auth.service.authenticate('Bearer a.b.c');
    expect(bad.ok ? '' : bad.wwwAuthenticate).toBe(
      'Bearer error="invalid_token", error_description="the token is not a signed JWT"',
    );
  });
});

describe('the key set', () => {
  it('publishes the public key under its kid and never the private part', async () => {
    const key = await auth.keys.signingKey();
    const { keys } = await auth.service.jwks();
    expect(keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' },
    ]);
    const row = await database.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
    expect(row.private_jwk_sealed).toMatch(/^v1\./);
    expect(row.private_jwk_sealed).not.toContain('"d"');
  });

  it('cannot sign with keys sealed under another ROTA_SECRET_KEY, and says so', async () => {
    await auth.keys.signingKey();
    const stranger = tokenServiceOn(database, { secretKey: randomSecretKey() });
    await expect(stranger.keys.signingKey()).rejects.toThrow(/another ROTA_SECRET_KEY/);
  });
});
