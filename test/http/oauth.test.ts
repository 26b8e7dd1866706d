// POST /oauth/token and /.well-known/jwks.json on the real app (buildApp) with the real token
// service on SQLite: the bodies and headers curl sends, and the errors RFC 6749 prescribes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  clientOf,
  PUBLIC_URL,
  randomSecretKey,
  tokenServiceOn,
  type AuthFixture,
} from '../../src/auth/auth.test-helpers.ts';
import type { NewClient } from '../../src/auth/clients.ts';
import { buildApp } from '../../src/http/app.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { createLogger } from '../../src/logger.ts';
import type { Database } from '../../src/storage/database.ts';
import { isDatabaseUnavailable } from '../../src/storage/database-unavailable.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';

let dir: string;
let database: Database;
let auth: AuthFixture;
let client: NewClient;
let app: FastifyInstance;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-oauth-'));
  database = openSqlite({ path: join(dir, 'rota.db') });
  await migrateToLatest(database);
  auth = tokenServiceOn(database, { secretKey: randomSecretKey() });
  client = await clientOf(database, 'acme', 'member');
  app = buildApp({
    logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
    metrics: createMetrics(),
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
    now: () => auth.clock.now,
    oauth: auth.service,
  });
});
afterEach(async () => {
  await app.close();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const FORM = 'application/x-www-form-urlencoded';
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

const postToken = (headers: Record<string, string>, payload: string) =>
  app.inject({ method: 'POST', url: '/oauth/token', headers, payload });

describe('POST /oauth/token', () => {
  it('mints a token for Basic credentials and a form body, as curl -u id:secret -d grant_type=… sends', async () => {
    const response = await postToken(
      {
        'content-type': FORM,
        authorization: basic(client.client.client_id, client.clientSecret),
      },
      'grant_type=client_credentials&scope=read',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'read',
    });
    const verified = await auth.service.verifyAccessToken(body.access_token);
    expect(verified.ok && verified.principal).toEqual({
      tenantId: client.client.tenant_id,
      role: 'member',
      subject: client.client.client_id,
      kind: 'client',
      scopes: ['read'],
    });
  });

  it('takes the credentials from a form body, and from a JSON body', async () => {
    const form = await postToken(
      { 'content-type': `${FORM}; charset=UTF-8` },
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.client.client_id,
        client_secret: client.clientSecret,
      }).toString(),
    );
    expect(form.statusCode).toBe(200);
    expect(form.json().scope).toBe('read write');
    const json = await postToken(
      { 'content-type': 'application/json' },
      JSON.stringify({
        grant_type: 'client_credentials',
        client_id: client.client.client_id,
        client_secret: client.clientSecret,
      }),
    );
    expect(json.statusCode).toBe(200);
    expect((await auth.service.verifyAccessToken(json.json().access_token)).ok).toBe(true);
  });

  it('answers a wrong secret with 401 invalid_client and a Basic challenge', async () => {
    const response = await postToken(
      { 'content-type': FORM, authorization: basic(client.client.client_id, 'rs_guess') },
      'grant_type=client_credentials',
    );
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Basic realm="rota", charset="UTF-8"');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    });
  });

  it('answers 400 with the RFC 6749 code for every malformed request', async () => {
    const auth = basic(client.client.client_id, client.clientSecret);
    const cases: [Record<string, string>, string, string][] = [
      [{ 'content-type': FORM, authorization: auth }, '', 'invalid_request'],
      [
        { 'content-type': FORM, authorization: auth },
        'grant_type=password',
        'unsupported_grant_type',
      ],
      [
        { 'content-type': FORM, authorization: auth },
        'grant_type=client_credentials&scope=admin',
        'invalid_scope',
      ],
      [
        { 'content-type': FORM, authorization: auth },
        'grant_type=client_credentials&grant_type=client_credentials',
        'invalid_request',
      ],
      [
        { 'content-type': FORM, authorization: auth },
        `grant_type=client_credentials&client_id=${client.client.client_id}`,
        'invalid_request',
      ],
      [
        { 'content-type': 'text/plain', authorization: auth },
        'grant_type=client_credentials',
        'invalid_request',
      ],
      [
        { 'content-type': 'application/json', authorization: auth },
        '{"grant_type":',
        'invalid_request',
      ],
      [
        { 'content-type': 'application/json', authorization: auth },
        '{"grant_type":["client_credentials"]}',
        'invalid_request',
      ],
    ];
    for (const [headers, payload, error] of cases) {
      const response = await postToken(headers, payload);
      expect([response.statusCode, response.json().error], payload).toEqual([400, error]);
      expect(response.headers['cache-control'], payload).toBe('no-store');
    }
  });

  it('answers missing and malformed client credentials with 401 invalid_client', async () => {
    const none = await postToken({ 'content-type': FORM }, 'grant_type=client_credentials');
    expect([none.statusCode, none.json().error]).toEqual([401, 'invalid_client']);
    const malformed = await postToken(
      { 'content-type': FORM, authorization: 'Basic not-base64!' },
      'grant_type=client_credentials',
    );
    expect([malformed.statusCode, malformed.json().error]).toEqual([401, 'invalid_client']);
  });

  it('mints over a real socket on 127.0.0.1, and the token verifies against the served key set', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': FORM,
        authorization: basic(client.client.client_id, client.clientSecret),
      },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    const jwksResponse = await fetch(`${address}/.well-known/jwks.json`);
    expect(jwksResponse.status).toBe(200);
    expect(jwksResponse.headers.get('cache-control')).toBe('public, max-age=300');
    const jwks = (await jwksResponse.json()) as Parameters<typeof createLocalJWKSet>[0];
    // An agent or tool verifying Rota's token with nothing but the published keys.
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: PUBLIC_URL,
      audience: `${PUBLIC_URL}/api`,
      algorithms: ['EdDSA'],
      currentDate: new Date(auth.clock.now),
    });
    expect(payload).toMatchObject({
      sub: client.client.client_id,
      tenant: client.client.tenant_id,
    });
  });
});

describe('without a token service', () => {
  it('serves neither route', async () => {
    const bare = buildApp({
      logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
      metrics: createMetrics(),
      readiness: () => Promise.resolve({ ready: true, checks: {} }),
      now: () => 0,
    });
    expect((await bare.inject({ method: 'GET', url: '/.well-known/jwks.json' })).statusCode).toBe(
      404,
    );
    expect((await bare.inject({ method: 'POST', url: '/oauth/token' })).statusCode).toBe(404);
    await bare.close();
  });
});

describe('POST /oauth/token while the database is away', () => {
  it('answers 503 temporarily_unavailable with Retry-After, never a 500', async () => {
    // Closing the database makes every query fail the way an unreachable one does.
    await database.close();
    const away = buildApp({
      logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
      metrics: createMetrics(),
      readiness: () => Promise.resolve({ ready: false, checks: {} }),
      now: () => auth.clock.now,
      oauth: {
        token: (request) => auth.service.token(request),
        jwks: () => auth.service.jwks(),
        isUnavailable: isDatabaseUnavailable,
      },
    });
    try {
      const response = await away.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': FORM,
          authorization: basic(client.client.client_id, client.clientSecret),
        },
        payload: 'grant_type=client_credentials',
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the database is unreachable; try again shortly',
      });
    } finally {
      await away.close();
      database = openSqlite({ path: join(dir, 'rota.db') });
    }
  });
});

describe('POST /oauth/token rate limits', () => {
  const limitedApp = () =>
    buildApp({
      logger: createLogger({ level: 'error', destination: { write: () => undefined } }),
      metrics: createMetrics(),
      readiness: () => Promise.resolve({ ready: true, checks: {} }),
      now: () => auth.clock.now,
      oauth: {
        token: (request) => auth.service.token(request),
        jwks: () => auth.service.jwks(),
        rateLimits: {
          perClientId: { burst: 2, perSecond: 0.5 },
          perAddress: { burst: 4, perSecond: 1 },
        },
      },
    });
  const request = (limited: FastifyInstance, clientId: string, secret: string, from: string) =>
    limited.inject({
      method: 'POST',
      url: '/oauth/token',
      remoteAddress: from,
      headers: { 'content-type': FORM, authorization: basic(clientId, secret) },
      payload: 'grant_type=client_credentials',
    });

  it('answers a client id guessed at too often with 429 slow_down and Retry-After, even with the right secret', async () => {
    const limited = limitedApp();
    try {
      const id = client.client.client_id;
      for (let i = 0; i < 2; i++)
        expect((await request(limited, id, 'rs_guess', '127.0.0.2')).statusCode).toBe(401);
      const refused = await request(limited, id, client.clientSecret, '127.0.0.3');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('2');
      expect(refused.headers['cache-control']).toBe('no-store');
      expect(refused.json()).toEqual({
        error: 'slow_down',
        error_description: 'too many token requests; retry in 2 s',
      });
      auth.clock.now += 2_000;
      expect((await request(limited, id, client.clientSecret, '127.0.0.3')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('answers one source address asking for many client ids with 429, and not another address', async () => {
    const limited = limitedApp();
    try {
      for (let i = 0; i < 4; i++)
        expect((await request(limited, `guess-${i}`, 'rs_guess', '127.0.0.4')).statusCode).toBe(
          401,
        );
      const refused = await request(
        limited,
        client.client.client_id,
        client.clientSecret,
        '127.0.0.4',
      );
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json().error).toBe('slow_down');
      expect(
        (await request(limited, client.client.client_id, client.clientSecret, '127.0.0.5'))
          .statusCode,
      ).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
