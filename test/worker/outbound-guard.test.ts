// The outbound guard against real HTTP servers on loopback: the address a name resolves to is
// checked when connecting, every redirect hop is checked again, and responses are bounded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllowList } from '../../src/worker/net/address-policy.ts';
import {
  guardedFetch,
  OutboundBlocked,
  ResponseTooLarge,
} from '../../src/worker/net/outbound-guard.ts';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/redirect') {
      response.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
    } else if (request.url === '/big') {
      response.end('x'.repeat(5_000));
    } else {
      response.end('ok');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (url: string, allow: string[], extra = {}) =>
  guardedFetch(url, { method: 'GET' }, { allow: parseAllowList(allow), ...extra });

describe('guardedFetch', () => {
  it('refuses a loopback address unless the operator allows it', async () => {
    await expect(get(`http://127.0.0.1:${port}/ok`, [])).rejects.toBeInstanceOf(OutboundBlocked);
    const allowed = await get(`http://127.0.0.1:${port}/ok`, ['127.0.0.0/8']);
    expect([allowed.status, allowed.body]).toEqual([200, 'ok']);
  });

  it('lets an allowed origin through on its own port only, and only as an IP literal', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const allow = parseAllowList([], new Set([origin]));
    const fetchWith = (url: string) => guardedFetch(url, { method: 'GET' }, { allow });
    expect((await fetchWith(`${origin}/ok`)).body).toBe('ok');
    await expect(fetchWith(`http://127.0.0.1:${port + 1}/ok`)).rejects.toBeInstanceOf(
      OutboundBlocked,
    );
    const byName = parseAllowList([], new Set([`http://localhost:${port}`]));
    await expect(
      guardedFetch(`http://localhost:${port}/ok`, { method: 'GET' }, { allow: byName }),
    ).rejects.toThrow(/localhost resolves to/);
  });

  it('checks the address a name resolves to when it connects', async () => {
    await expect(get(`http://localhost:${port}/ok`, [])).rejects.toThrow(/localhost resolves to/);
    expect((await get(`http://localhost:${port}/ok`, ['localhost'])).body).toBe('ok');
  });

  it('checks every redirect hop: an allowed name cannot redirect to a blocked address', async () => {
    await expect(get(`http://localhost:${port}/redirect`, ['localhost'])).rejects.toBeInstanceOf(
      OutboundBlocked,
    );
    const followed = await get(`http://localhost:${port}/redirect`, ['localhost', '127.0.0.1']);
    expect([followed.status, followed.url]).toEqual([200, `http://127.0.0.1:${port}/ok`]);
  });

  it('bounds the size of a response', async () => {
    await expect(
      get(`http://127.0.0.1:${port}/big`, ['127.0.0.1'], { maxBytes: 1_000 }),
    ).rejects.toBeInstanceOf(ResponseTooLarge);
    expect(
      (await get(`http://127.0.0.1:${port}/big`, ['127.0.0.1'], { maxBytes: 10_000 })).body,
    ).toHaveLength(5_000);
  });
});
