// The http executor and the built-in tools against real HTTP servers on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheckTool, joinUrl } from '../../src/worker/executors/builtin/http-check.ts';
import { httpJourneyAgent } from '../../src/worker/executors/builtin/http-journey.ts';
import { transformTool } from '../../src/worker/executors/builtin/transform.ts';
import { httpExecutor } from '../../src/worker/executors/http/http-executor.ts';
import { parseAllowList } from '../../src/worker/net/address-policy.ts';
import { StepFailed, type StepCall } from '../../src/worker/executor.ts';

interface Seen {
  readonly method: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

type Handler = (seen: Seen, response: ServerResponse) => void;
const handlers = new Map<string, Handler>();
const seen: Seen[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const entry = {
        method: request.method ?? '',
        headers: request.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      seen.push(entry);
      const handler = handlers.get(request.url ?? '');
      if (handler === undefined) response.writeHead(404).end();
      else handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const json = (response: ServerResponse, status: number, body: unknown, headers = {}) =>
  response
    .writeHead(status, { 'content-type': 'application/json', ...headers })
    .end(JSON.stringify(body));

const allowLoopback = { allow: parseAllowList(['127.0.0.1']), now: () => Date.now() };

function call(overrides: Partial<StepCall>): StepCall {
  return {
    runId: 'run-1',
    stepId: 'run-1:0',
    attempt: 2,
    idempotencyKey: 'run-1:0',
    input: { topic: 'checkout' },
    parameters: { region: 'eu' },
    callee: 'agent',
    config: {},
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<StepFailed> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepFailed);
  return error as StepFailed;
}

describe('the http executor', () => {
  it('POSTs the call with its idempotency key and static headers, and reads the answer', async () => {
    handlers.set('/agent', (_, response) =>
      json(response, 200, {
        output: { verdict: 'ok' },
        findings: [{ severity: 'low', title: 'slow page', detail: '2.1 s' }],
        logs: ['started', { level: 'warn', message: 'retrying a page' }],
        usage: { tokens: 120, cost: 0.002 },
      }),
    );
    seen.length = 0;
    const result = await httpExecutor(allowLoopback).call(
      call({
        config: {
          url: `${base}/agent`,
          headers: { 'x-api-key': 'k-1', 'Idempotency-Key': 'forged' },
        },
      }),
    );
    expect(result).toEqual({
      output: { verdict: 'ok' },
      findings: [{ severity: 'low', title: 'slow page', detail: '2.1 s' }],
      logs: [
        { level: 'info', message: 'started' },
        { level: 'warn', message: 'retrying a page' },
      ],
      usage: { tokens: 120, cost: 0.002 },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers['idempotency-key']).toBe('run-1:0');
    expect(seen[0]!.headers['x-api-key']).toBe('k-1');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(seen[0]!.body).toEqual({
      run_id: 'run-1',
      step_id: 'run-1:0',
      attempt: 2,
      input: { topic: 'checkout' },
      parameters: { region: 'eu' },
    });
  });

  it('fails retryably on 5xx and 429, carrying Retry-After', async () => {
    handlers.set('/busy', (_, response) =>
      json(response, 429, { error: 'slow down' }, { 'retry-after': '7' }),
    );
    handlers.set('/down', (_, response) => json(response, 503, { error: 'down' }));
    const busy = await failure(
      httpExecutor(allowLoopback).call(call({ config: { url: `${base}/busy` } })),
    );
    expect(busy).toMatchObject({ code: 'agent_error', retryable: true, retryAfterMs: 7000 });
    expect(busy.message).toContain('HTTP 429');
    const down = await failure(
      httpExecutor(allowLoopback).call(call({ config: { url: `${base}/down` }, callee: 'tool' })),
    );
    expect(down).toMatchObject({ code: 'tool_error', retryable: true, retryAfterMs: undefined });
  });

  it('fails at once on other non-2xx answers, quoting the body', async () => {
    handlers.set('/bad', (_, response) => json(response, 422, { error: 'topic is unknown' }));
    const bad = await failure(
      httpExecutor(allowLoopback).call(call({ config: { url: `${base}/bad` } })),
    );
    expect(bad).toMatchObject({ code: 'agent_error', retryable: false });
    expect(bad.message).toContain('topic is unknown');
  });

  it('fails with invalid_output when the answer is not the documented shape', async () => {
    handlers.set('/text', (_, response) => response.writeHead(200).end('hello'));
    handlers.set('/no-output', (_, response) => json(response, 200, { result: 1 }));
    handlers.set('/bad-finding', (_, response) =>
      json(response, 200, { output: 1, findings: [{ severity: 'urgent', title: 'x' }] }),
    );
    for (const path of ['/text', '/no-output', '/bad-finding']) {
      const error = await failure(
        httpExecutor(allowLoopback).call(call({ config: { url: base + path } })),
      );
      expect(error.code).toBe('invalid_output');
    }
  });

  it('refuses loopback unless the operator allows it', async () => {
    const error = await failure(
      httpExecutor({ allow: parseAllowList([]), now: () => Date.now() }).call(
        call({ config: { url: `${base}/agent` } }),
      ),
    );
    expect(error.code).toBe('ssrf_blocked');
  });

  it('fails retryably when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      httpExecutor(allowLoopback).call(call({ config: { url: `http://127.0.0.1:${port}/x` } })),
    );
    expect(error).toMatchObject({ code: 'agent_error', retryable: true });
  });

  it('rejects configuration without a URL or with a header that could inject lines', async () => {
    const executor = httpExecutor(allowLoopback);
    expect((await failure(executor.call(call({ config: {} })))).message).toContain('config.url');
    const injected = await failure(
      executor.call(call({ config: { url: `${base}/agent`, headers: { 'x-a': 'v\r\nx-b: w' } } })),
    );
    expect(injected.message).toContain('x-a');
  });
});

describe('the http_check tool', () => {
  it('reports status, latency and no finding when the page is as expected', async () => {
    handlers.set('/page', (_, response) => response.writeHead(200).end('<h1>Checkout</h1>'));
    const result = await httpCheckTool(allowLoopback).call(
      call({ callee: 'tool', input: { url: `${base}/page`, expect_text: 'Checkout' } }),
    );
    expect(result.output).toMatchObject({ status: 200, ok: true, problems: [] });
    expect(typeof (result.output as { latency_ms: unknown }).latency_ms).toBe('number');
    expect(result.findings).toEqual([]);
  });

  it('turns each failed assertion into a finding of the check severity', async () => {
    handlers.set('/gone', (_, response) => response.writeHead(410).end('gone'));
    const result = await httpCheckTool(allowLoopback).call(
      call({
        callee: 'tool',
        input: { url: `${base}/gone`, expect_text: 'Checkout', severity: 'critical' },
      }),
    );
    expect(result.output).toMatchObject({ status: 410, ok: false });
    expect(result.findings.map((f) => [f.severity, f.title])).toEqual([
      ['critical', 'check 1: expected HTTP 200, got 410'],
      ['critical', 'check 1: the page does not contain "Checkout"'],
    ]);
  });

  it('fails with tool_error when the input has no URL', async () => {
    const error = await failure(
      httpCheckTool(allowLoopback).call(call({ callee: 'tool', input: {} })),
    );
    expect(error.code).toBe('tool_error');
  });
});

/** A port on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  return port;
}

describe('the http_journey agent', () => {
  it('keeps the base URL’s path when it joins a step’s path to it', async () => {
    expect(joinUrl('http://h/demo/shop', '/')).toBe('http://h/demo/shop/');
    expect(joinUrl('http://h/demo/shop/', '/cart')).toBe('http://h/demo/shop/cart');
    expect(joinUrl('http://h/demo/shop', './cart')).toBe('http://h/demo/shop/cart');
    expect(joinUrl('http://h/demo/shop', 'cart?x=1')).toBe('http://h/demo/shop/cart?x=1');
    expect(joinUrl('http://h', '')).toBe('http://h/');
    handlers.set('/demo/shop/', (_seen, response) => response.end('Welcome'));
    const before = seen.length;
    const result = await httpJourneyAgent(allowLoopback).call(
      call({
        input: { base_url: `${base}/demo/shop`, steps: [{ path: '/', expect_text: 'Welcome' }] },
      }),
    );
    expect(seen).toHaveLength(before + 1);
    expect(result.findings).toEqual([]);
    expect(result.output).toMatchObject({ passed: 1, failed: 0 });
  });

  it('reports a check that reached nothing as a finding naming the network error', async () => {
    handlers.set('/up', (_seen, response) => response.end('ok'));
    const port = await closedPort();
    const result = await httpJourneyAgent(allowLoopback).call(
      call({
        input: {
          steps: [
            { name: 'up', url: `${base}/up` },
            { name: 'down', url: `http://127.0.0.1:${port}/`, severity: 'medium' },
          ],
        },
      }),
    );
    expect(result.output).toMatchObject({ passed: 1, failed: 1 });
    expect(result.findings).toEqual([
      {
        severity: 'medium',
        title: 'down: the target could not be reached',
        detail: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/: .*ECONNREFUSED/),
      },
    ]);
  });

  it('fails with target_unreachable, keeping its findings, when no check reached its target', async () => {
    const port = await closedPort();
    const error = await failure(
      httpJourneyAgent(allowLoopback).call(
        call({ input: { steps: [{ name: 'home', url: `http://127.0.0.1:${port}/` }] } }),
      ),
    );
    expect(error).toMatchObject({ code: 'target_unreachable', retryable: false });
    expect(error.message).toMatch(
      /^No check reached its target: the request failed: .*ECONNREFUSED/,
    );
    expect(error.findings).toEqual([
      expect.objectContaining({ severity: 'high', title: 'home: the target could not be reached' }),
    ]);
  });
});

describe('the transform tool', () => {
  it('returns its mapped input as the object by default', async () => {
    const result = await transformTool().call(
      call({ callee: 'tool', input: { a: 1, b: { c: 2 } } }),
    );
    expect(result.output).toEqual({ a: 1, b: { c: 2 } });
  });

  it('reshapes by dotted paths, leaving out paths that do not exist', async () => {
    const result = await transformTool().call(
      call({
        callee: 'tool',
        input: { page: { title: 'Home', status: 200 } },
        config: {
          fields: {
            heading: 'page.title',
            code: 'page.status',
            missing: 'page.nope',
            __proto__x: 'page',
          },
        },
      }),
    );
    expect(result.output).toEqual({
      heading: 'Home',
      code: 200,
      __proto__x: { title: 'Home', status: 200 },
    });
  });

  it('fails with tool_error on a malformed field map', async () => {
    const error = await failure(
      transformTool().call(call({ callee: 'tool', config: { fields: { a: 3 } } })),
    );
    expect(error.code).toBe('tool_error');
  });
});
