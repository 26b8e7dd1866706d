// `npm run bench:api`: autocannon against a real `rota serve --role api` on SQLite (a separate
// process, so the load generator does not share its event loop), 50 connections: GET a schedule,
// list runs, create a schedule, and GET /healthz as the reference measured in the same run (the
// floor of this server on this machine). Prints a Markdown table of medians. A benchmark, not a test.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = 50;
const RUNS = 200;
const BIN = new URL('../bin/rota.js', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rota-bench-api-'));
  const port = await freePort();
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ROTA_'))),
    ROTA_DATA_DIR: dir,
    ROTA_PORT: String(port),
    ROTA_HOST: '127.0.0.1',
    ROTA_LOG_LEVEL: 'error',
    // The limits would answer most of a benchmark's requests with 429: lift them for this run.
    ROTA_RATE_LIMIT_PER_CLIENT: '1000000',
    ROTA_RATE_LIMIT_PER_TENANT: '1000000',
  };
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [BIN, 'clients', 'create', '--json'],
    { env },
  );
  const client = JSON.parse(stdout) as { client_id: string; client_secret: string };
  const server = spawn(process.execPath, [BIN, 'serve', '--role', 'api'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (i === 99) throw new Error('rota serve did not become ready');
      await sleep(100);
    }
    const tokenAnswer = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = ((await tokenAnswer.json()) as { access_token: string }).access_token;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const post = async (path: string, body: object) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      if (!response.ok)
        throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const project = await post('/api/v1/projects', { name: 'Bench' });
    const agent = await post('/api/v1/agents', {
      project_id: project.id,
      name: 'walker',
      kind: 'builtin',
      config: { builtin: 'http_journey' },
    });
    const journeys = [];
    for (let i = 0; i < 10; i++)
      journeys.push(
        await post('/api/v1/journeys', {
          project_id: project.id,
          name: `J${i}`,
          agent_id: agent.id,
        }),
      );
    const scheduleBody = {
      project_id: project.id,
      name: 'Nightly',
      cadence: {
        type: 'calendar',
        frequency: 'daily',
        times: ['02:30'],
        timezone: 'Europe/Berlin',
      },
    };
    const schedule = await post('/api/v1/schedules', scheduleBody);
    for (const journey of journeys)
      await post(`/api/v1/schedules/${schedule.id}/items`, { journey_id: journey.id });
    for (let i = 0; i < RUNS; i++)
      await post('/api/v1/runs', { target: { type: 'journey', id: journeys[i % 10]!.id } });

    const scenarios = [
      { name: 'GET /healthz (reference)', method: 'GET', path: '/healthz' },
      {
        name: 'GET /api/v1/schedules/{id}',
        method: 'GET',
        path: `/api/v1/schedules/${schedule.id}`,
      },
      { name: 'GET /api/v1/runs?limit=50', method: 'GET', path: '/api/v1/runs?limit=50' },
      {
        name: 'POST /api/v1/schedules',
        method: 'POST',
        path: '/api/v1/schedules',
        body: JSON.stringify(scheduleBody),
      },
    ] as const;
    const results = new Map<string, { rps: number[]; p50: number[]; p99: number[] }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const scenario of scenarios) {
        const result = await autocannon({
          url: `${url}${scenario.path}`,
          method: scenario.method,
          headers,
          ...('body' in scenario ? { body: scenario.body } : {}),
          connections: CONNECTIONS,
          duration: DURATION_S,
        });
        const bad = result.non2xx + result.errors + result.timeouts;
        if (bad > 0) throw new Error(`${scenario.name}: ${bad} failed requests`);
        const entry = results.get(scenario.name) ?? { rps: [], p50: [], p99: [] };
        entry.rps.push(result.requests.average);
        entry.p50.push(result.latency.p50);
        entry.p99.push(result.latency.p99);
        results.set(scenario.name, entry);
      }
      process.stderr.write(`round ${round + 1} of ${ROUNDS} done\n`);
    }
    const median = (values: readonly number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    };
    const reference = median(results.get(scenarios[0].name)!.rps);
    console.log(
      `### The API on SQLite, ${CONNECTIONS} connections, ${DURATION_S} s each (median of ${ROUNDS} rounds)\n`,
    );
    console.log('| request | req/s | p50 ms | p99 ms | req/s ÷ /healthz |');
    console.log('|---|---:|---:|---:|---:|');
    for (const scenario of scenarios) {
      const r = results.get(scenario.name)!;
      const rps = median(r.rps);
      console.log(
        `| ${scenario.name} | ${Math.round(rps).toLocaleString('en-US')} | ${median(r.p50)} | ${median(r.p99)} | ${(rps / reference).toFixed(2)} |`,
      );
    }
    console.log(
      `\nServer: \`rota serve --role api\` in its own process on an embedded SQLite file; the ` +
        `schedule read has 10 items and its next runs computed per request; the runs list pages ` +
        `${RUNS} runs. /healthz does no authentication and no query: the floor of this server here.`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
