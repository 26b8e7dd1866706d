// The HTTP foundation: problem+json for every kind of failure, authentication, the OpenAPI
// document and its committed copy, and 503 while the database is unreachable.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { buildApp } from '../../src/http/app.ts';
import { bearerCredential } from '../../src/http/principal.ts';
import { createMailService } from '../../src/mail/mail-service.ts';
import { outboxTransport } from '../../src/mail/outbox-transport.ts';
import { apiServices } from '../../src/main.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { openApiDocument } from '../../src/http/openapi-document.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import { openPostgres } from '../../src/storage/postgres/postgres-database.ts';
import { openSqlite } from '../../src/storage/sqlite/sqlite-database.ts';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { testSecretBox } from '../../src/auth/auth.test-helpers.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { apiHarness, T0, type ApiHarness } from './api-harness.ts';
import { testTokens } from './test-authenticator.ts';
import { mailStore } from '../../src/storage/mail-storage.ts';

const PROBLEM = 'application/problem+json';

describeEachDatabase('the API foundation', (fresh) => {
  let db: TestDatabase;
  let api: ApiHarness;
  beforeEach(async () => {
    db = await fresh();
    api = await apiHarness(db.database);
  });
  afterEach(async () => {
    await api.close();
    await db.dispose();
  });

  it('answers a request without a token with 401, WWW-Authenticate: Bearer and a problem', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/api/v1/projects' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['content-type']).toContain(PROBLEM);
    expect(response.json()).toMatchObject({
      type: 'urn:rota:problem:unauthenticated',
      title: 'Unauthenticated',
      status: 401,
      code: 'unauthenticated',
    });
  });

  it('answers a token whose signature was altered with 401 and an invalid_token challenge', async () => {
    const forged = `${api.alice.token.slice(0, -2)}AA`;
    const response = await api.app.inject({
      method: 'GET',
      url: '/api/v1/projects',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="the signature does not verify"',
    );
    expect(response.json().code).toBe('unauthenticated');
  });

  it('answers an unknown route under /api with a 404 problem', async () => {
    const response = await api.alice.request('GET', '/api/v1/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain(PROBLEM);
    expect(response.json().code).toBe('not_found');
  });

  it('answers a malformed id in the path with 404, like a missing one', async () => {
    for (const url of ['/api/v1/projects/not-a-uuid', `/api/v1/projects/${uuidv7(T0)}`]) {
      const response = await api.alice.request('GET', url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().code, url).toBe('not_found');
    }
  });

  it('lists every validation problem at once with JSON pointers and catalogue codes', async () => {
    const response = await api.alice.request('POST', '/api/v1/schedules', {
      name: '',
      coverage_window_hours: 0,
      timezone: 'Mars/Olympus',
      colour: 'blue',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM);
    const problem = response.json();
    expect(problem.code).toBeTypeOf('string');
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/project_id', code: 'required' }),
        expect.objectContaining({ field: '/name', code: 'invalid_value' }),
        expect.objectContaining({ field: '/coverage_window_hours', code: 'invalid_value' }),
        expect.objectContaining({ field: '/colour', code: 'field_not_allowed' }),
      ]),
    );
  });

  it('serves the OpenAPI 3.1 document at /api/openapi.json and the docs UI at /api/docs', async () => {
    const document = await api.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(document.statusCode).toBe(200);
    expect(document.json().openapi).toBe('3.1.0');
    expect(Object.keys(document.json().paths)).toContain('/api/v1/schedules/{id}/items');
    const docs = await api.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });
});

describe('a closed SQLite database', () => {
  it('is answered with 503 and Retry-After, not a 500', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rota-api-'));
    const database = openSqlite({ path: join(dir, 'rota.db') });
    await migrateToLatest(database);
    const api = await apiHarness(database);
    try {
      await database.close();
      const response = await api.alice.request('GET', '/api/v1/projects');
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().code).toBe('dependency_unavailable');
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs/openapi.json', () => {
  it('is what npm run docs:openapi generates from the contract', async () => {
    expect(readFileSync('docs/openapi.json', 'utf8')).toBe(await openApiDocument());
  });

  it('names every operation once, for generated clients', () => {
    const document = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    const operations = Object.values(
      document.paths as Record<string, Record<string, { operationId?: string }>>,
    ).flatMap((p) => Object.values(p));
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('an unreachable database', () => {
  it('is answered with 503, Retry-After and a dependency_unavailable problem', async () => {
    // Nothing listens on port 1: every query fails to connect.
    const database = openPostgres({ url: 'postgres://postgres@127.0.0.1:1/test' });
    const tokens = testTokens();
    const app = buildApp({
      logger: pino({ level: 'silent' }),
      metrics: createMetrics(),
      readiness: () => Promise.resolve({ ready: false, checks: {} }),
      now: () => T0,
      api: {
        ...apiServices(database, { now: () => T0, newId: () => uuidv7(T0) }, testSecretBox()),
        credentials: [bearerCredential(tokens.authenticate)],
        newId: () => uuidv7(T0),
        mail: createMailService({
          store: mailStore(database),
          transport: outboxTransport,
          publicUrl: 'https://rota.example.test',
          mailFrom: 'rota@example.test',
          now: () => T0,
          newId: () => uuidv7(T0),
        }),
      },
    });
    const token = tokens.sign({
      tenantId: uuidv7(T0),
      role: 'member',
      subject: 'c',
      kind: 'client',
      scopes: ['read', 'write'],
    });
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/projects',
        headers: { authorization: `Bearer ${token}` },
        payload: { name: 'Shop' },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.headers['content-type']).toContain(PROBLEM);
      expect(response.json().code).toBe('dependency_unavailable');
    } finally {
      await app.close();
      await database.close();
    }
  });
});
