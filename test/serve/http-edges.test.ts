// The edges of the HTTP server a client can reach by mistake, over a real socket: every error
// under /api is problem+json with a catalogue code (404, 405 with Allow, 431, a header no parser
// accepts), `/` is a page that leads to the docs, and /api/docs loads with its assets.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../src/core/error-codes.ts';
import { loadConfig } from '../../src/config.ts';
import { serve, type RunningServer } from '../../src/main.ts';

let server: RunningServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rota-edges-'));
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  server = await serve(loaded.config, { role: 'api', logDestination: { write: () => undefined } });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends `request` as raw bytes and reads the whole answer (the server closes the connection). */
function raw(request: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no answer within 10 s')));
  });
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as { code: string; status: number };
  expect(body).toMatchObject({ status, code });
  expect(isErrorCode(body.code)).toBe(true);
}

describe('the edges of the HTTP server', () => {
  it('answers a known path asked with another method with 405 and Allow', async () => {
    const answer = await fetch(`${server.url}/api/v1/projects`, { method: 'DELETE' });
    expect(answer.headers.get('allow')).toBe('GET, HEAD, POST');
    await expectProblem(answer, 405, 'method_not_allowed');
    const schedule = await fetch(
      `${server.url}/api/v1/schedules/0190f0c0-0000-7000-8000-000000000000`,
      { method: 'PUT' },
    );
    expect(schedule.headers.get('allow')).toBe('DELETE, GET, HEAD, PATCH');
    await expectProblem(schedule, 405, 'method_not_allowed');
  });

  it('answers an unknown path under /api with a 404 problem', async () => {
    await expectProblem(await fetch(`${server.url}/api/v1/nothing-here`), 404, 'not_found');
  });

  it('answers headers that are too large with a 431 problem', async () => {
    const answer = await raw(
      `GET /api/v1/projects HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).toContain('"code":"header_fields_too_large"');
  });

  it('answers a header value with a control character with a 400 problem', async () => {
    const answer = await raw('GET /api/v1/projects HTTP/1.1\r\nHost: x\r\nX-Bad: a\x01b\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).toContain('"code":"invalid_request_line"');
  });

  it('serves a page at / that links to the API docs', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('href="/api/docs"');
  });

  it('serves /api/docs, with or without its slash, with assets that load', async () => {
    for (const path of ['/api/docs', '/api/docs/']) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThanOrEqual(3);
      for (const asset of assets) {
        const loaded = await fetch(new URL(asset, `${server.url}${path}`));
        expect(loaded.status, `${path} → ${asset}`).toBe(200);
      }
    }
  });
});
