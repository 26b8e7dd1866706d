// The on-behalf-of token through a real `rota serve` (issue 13): a machine client starts a run of
// a journey whose agent is an `http` service on loopback; the worker `serve` wired calls it with
// a bearer JWT that verifies against the server's own /.well-known/jwks.json, for that client.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createMachineClient, serve, type RunningServer } from '../../src/main.ts';

const PUBLIC_URL = 'https://rota.example.test';
let server: RunningServer | undefined;
let agent: Server | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await new Promise<void>((resolve) =>
    agent === undefined ? resolve() : agent.close(() => resolve()),
  );
  agent = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

it('calls an http agent with a token for the client that started the run, verifiable at the JWKS', async () => {
  // The agent: answers every call, and hands over the headers of the first.
  let firstCall: (headers: IncomingHttpHeaders) => void = () => undefined;
  const called = new Promise<IncomingHttpHeaders>((resolve) => (firstCall = resolve));
  agent = createServer((request, response) => {
    firstCall(request.headers);
    request.resume();
    request.on('end', () =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ output: { ok: true } })),
    );
  });
  await new Promise<void>((resolve) => agent!.listen(0, '127.0.0.1', resolve));
  const agentOrigin = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`;

  const dir = mkdtempSync(join(tmpdir(), 'rota-obo-'));
  dirs.push(dir);
  const loaded = loadConfig({
    ROTA_DATA_DIR: dir,
    ROTA_PORT: '0',
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
    ROTA_PUBLIC_URL: PUBLIC_URL,
    ROTA_OUTBOUND_ALLOW: '127.0.0.1',
  });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const created = await createMachineClient(loaded.config, {
    tenant: undefined,
    role: 'member',
    name: 'ci',
    now: Date.now(),
  });
  server = await serve(loaded.config, { role: 'all', logDestination: { write: () => undefined } });
  const { url } = server;
  const basic = Buffer.from(`${created.client.client_id}:${created.clientSecret}`).toString(
    'base64',
  );
  const tokenResponse = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${basic}`,
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
  const call = async (path: string, body: object) => {
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  };
  const project = await call('/api/v1/projects', { name: 'Shop' });
  const runtime = await call('/api/v1/agents', {
    project_id: project.id,
    name: 'runtime',
    kind: 'http',
    config: { url: `${agentOrigin}/run` },
  });
  const journey = await call('/api/v1/journeys', {
    project_id: project.id,
    name: 'Sign in',
    agent_id: runtime.id,
  });
  const run = await call('/api/v1/runs', { target: { type: 'journey', id: journey.id } });

  const headers = await called;
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  expect(bearer).toBeDefined();
  const { payload, protectedHeader } = await jwtVerify(
    bearer!,
    createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)),
    { issuer: PUBLIC_URL, audience: agentOrigin, algorithms: ['EdDSA'], typ: 'obo+jwt' },
  );
  expect(protectedHeader.typ).toBe('obo+jwt');
  expect(payload).toMatchObject({
    sub: created.client.client_id,
    sub_kind: 'client',
    act: { sub: 'rota' },
    aud: agentOrigin,
    run_id: run.id,
    tenant: created.client.tenant_id,
  });
});
