// `npm run bench:engine`: 10,000 schedules due at one instant, fired by the real scheduler and run
// by the real worker (a no-op agent), on SQLite and on PostgreSQL. Per database it prints the
// rate at which ticks and runs land, how late the run rows and the runs' starts are after the fire
// time, and, measured in the same run on the same database, the raw insert rate of the same rows:
// the physical limit our path is a ratio of. The database first holds some days of history (a
// tick and a run a day per schedule), as one that has been running does: reads that grow with
// history show up here. A benchmark, not a test; medians over rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Insertable } from 'kysely';
import { parseCadence } from '../src/core/cadence-parse.ts';
import { systemClock, type Clock } from '../src/engine/clock.ts';
import { Scheduler, type RoundReport } from '../src/engine/scheduler.ts';
import type { Database } from '../src/storage/database.ts';
import { migrateToLatest } from '../src/storage/migrate.ts';
import { uuidv7 } from '../src/storage/new-id.ts';
import { openPostgres } from '../src/storage/postgres/postgres-database.ts';
import type { RunTable, Schema, TickItemTable, TickTable } from '../src/storage/schema.ts';
import { openSqlite } from '../src/storage/sqlite/sqlite-database.ts';
import { chunks } from '../src/storage/batch-sql.ts';
import type { Executor } from '../src/worker/executor.ts';
import { Worker } from '../src/worker/worker.ts';
import { schedulerStore } from '../src/storage/scheduler-storage.ts';
import { workerStore } from '../src/storage/worker-storage.ts';

const N = Number(process.env.BENCH_SCHEDULES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_WORKER_CONCURRENCY ?? 32);
const POSTGRES_URL =
  process.env.ROTA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ITEMS_PER_SCHEDULE = 2;
const HISTORY_DAYS = Number(process.env.BENCH_HISTORY_DAYS ?? 14);
const JOURNEYS = 50;
const DAY = 86_400_000;
/** How long before the fire time the scheduler starts (it then sleeps until the fire time). */
const LEAD_MS = 1_500;
const ROUND_LIMIT_MS = 300_000;
// A Monday in January: no DST transition near it in any zone used.
const FIRST_FIRE = Date.UTC(2027, 0, 4, 9, 0);
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Australia/Sydney',
];

const noop: Executor = { call: () => Promise.resolve({ output: {}, findings: [], logs: [] }) };

interface Leg {
  readonly name: string;
  readonly database: Database;
  dispose(): Promise<void>;
}

function sqliteLeg(): Leg {
  const dir = mkdtempSync(join(tmpdir(), 'rota-bench-'));
  const database = openSqlite({ path: join(dir, 'rota.db') });
  return {
    name: 'SQLite',
    database,
    dispose: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresLeg(): Promise<Leg | string> {
  const schema = `rota_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`create schema ${schema}`);
  } catch (error) {
    return `PostgreSQL at ${POSTGRES_URL} is unreachable (${(error as Error).message})`;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const database = openPostgres({ url: POSTGRES_URL, schema });
  return {
    name: 'PostgreSQL',
    database,
    dispose: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema ${schema} cascade`);
      await cleanup.end();
    },
  };
}

/** The local wall-clock time of `at` in `zone`, as "HH:MM". */
function localTime(at: number, zone: string): { hh: number; mm: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { hh: part('hour'), mm: part('minute') };
}

/** Daily cadences in several zones, calendar and cron, that all fire at `at`. */
function cadenceFor(i: number, at: number): string {
  const timezone = ZONES[i % ZONES.length]!;
  const { hh, mm } = localTime(at, timezone);
  const input =
    i % 2 === 0
      ? {
          type: 'calendar',
          frequency: 'daily',
          times: [`${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`],
          timezone,
        }
      : { type: 'cron', expression: `${mm} ${hh} * * *`, timezone };
  const parsed = parseCadence(input, { reference: at - DAY });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return JSON.stringify(parsed.value);
}

async function seed(database: Database): Promise<void> {
  const { db } = database;
  const at = FIRST_FIRE - DAY;
  const stamp = { created_at: at, updated_at: at };
  const tenant = randomUUID();
  const project = randomUUID();
  const agent = randomUUID();
  await db
    .insertInto('tenants')
    .values({ id: tenant, name: 'bench', timezone: 'UTC', daily_agent_budget: null, ...stamp })
    .execute();
  await db
    .insertInto('projects')
    .values({ id: project, tenant_id: tenant, name: 'bench', ...stamp })
    .execute();
  await db
    .insertInto('agents')
    .values({
      id: agent,
      tenant_id: tenant,
      project_id: project,
      name: 'noop',
      kind: 'builtin',
      config: '{"builtin":"noop"}',
      input_schema: null,
      output_schema: null,
      timeout_seconds: null,
      version: 1,
      ...stamp,
    })
    .execute();
  const journeys = Array.from({ length: JOURNEYS }, (_, i) => ({
    id: randomUUID(),
    tenant_id: tenant,
    project_id: project,
    name: `journey ${i}`,
    description: null,
    agent_id: agent,
    inputs: '{}',
    ...stamp,
  }));
  await db.insertInto('journeys').values(journeys).execute();
  const schedules = Array.from({ length: N }, (_, i) => ({
    id: randomUUID(),
    tenant_id: tenant,
    project_id: project,
    name: `schedule ${i}`,
    cadence: cadenceFor(i, FIRST_FIRE),
    coverage_window_hours: 120,
    daily_budget: 1,
    overlap_policy: 'skip',
    catchup_policy: 'latest',
    catchup_window_hours: 24,
    tick_deadline_minutes: 60,
    pause_after_failures: null,
    consecutive_failures: 0,
    enabled: 1 as const,
    pause_note: null,
    digest_config: null,
    owner_kind: 'client' as const,
    owner_id: 'bench',
    next_fire_at: FIRST_FIRE,
    last_tick_at: null,
    claimed_by: null,
    claimed_until: null,
    ...stamp,
  }));
  const items = schedules.flatMap((schedule, i) =>
    Array.from({ length: ITEMS_PER_SCHEDULE }, (_, k) => ({
      id: randomUUID(),
      tenant_id: tenant,
      schedule_id: schedule.id,
      target_kind: 'journey' as const,
      target_id: journeys[(i + k) % JOURNEYS]!.id,
      priority: k,
      parameters: '{}',
      enabled: 1 as const,
      last_run_at: null,
      ...stamp,
    })),
  );
  await database.write(async (trx) => {
    for (const chunk of chunks(schedules))
      await trx.insertInto('schedules').values(chunk).execute();
    for (const chunk of chunks(items))
      await trx.insertInto('schedule_items').values(chunk).execute();
  });
}

interface FiringRows {
  readonly ticks: Insertable<TickTable>[];
  readonly entries: Insertable<TickItemTable>[];
  readonly runs: Insertable<RunTable>[];
}

/** Every schedule with its items, as the firing rows below need them. */
async function schedulesWithItems(database: Database) {
  const { db } = database;
  const schedules = await db
    .selectFrom('schedules')
    .select(['id', 'tenant_id', 'project_id'])
    .execute();
  const items = await db
    .selectFrom('schedule_items')
    .select(['id', 'schedule_id', 'target_id'])
    .execute();
  const itemsOf = new Map<string, (typeof items)[number][]>();
  for (const item of items)
    itemsOf.set(item.schedule_id, [...(itemsOf.get(item.schedule_id) ?? []), item]);
  return schedules.map((s) => ({ ...s, items: itemsOf.get(s.id)! }));
}

/**
 * Rows shaped like one firing's (a tick, its two audit entries, its run) for every schedule:
 * queued as a firing writes them, or ended as history.
 */
function firingRows(
  schedules: Awaited<ReturnType<typeof schedulesWithItems>>,
  fireTime: number,
  ended: boolean,
): FiringRows {
  const now = fireTime;
  const rows: FiringRows = { ticks: [], entries: [], runs: [] };
  for (const s of schedules) {
    const tickId = uuidv7(now);
    rows.ticks.push({
      id: tickId,
      tenant_id: s.tenant_id,
      schedule_id: s.id,
      trigger: 'schedule',
      fire_time: fireTime,
      per_tick_budget: 1,
      tenant_left: null,
      deadline_at: fireTime + 3_600_000,
      outcome: ended ? 'succeeded' : null,
      ended_at: ended ? now + 1_000 : null,
      digest_considered_at: ended ? now + 1_000 : null,
      created_at: now,
    });
    const [first, ...rest] = s.items;
    rows.entries.push(
      {
        tick_id: tickId,
        item_id: first!.id,
        rank: 1,
        score: 1,
        outcome: 'selected',
        reason: null,
        errors: null,
      },
      ...rest.map((item, k) => ({
        tick_id: tickId,
        item_id: item.id,
        rank: k + 2,
        score: 0.5,
        outcome: 'skipped' as const,
        reason: 'budget',
        errors: null,
      })),
    );
    rows.runs.push({
      id: uuidv7(now),
      tenant_id: s.tenant_id,
      project_id: s.project_id,
      target_kind: 'journey',
      target_id: first!.target_id,
      trigger: 'schedule',
      triggered_by: null,
      tick_id: tickId,
      schedule_id: s.id,
      item_id: first!.id,
      parameters: '{}',
      status: ended ? 'completed' : 'queued',
      scheduled_for: fireTime,
      queued_at: now,
      started_at: ended ? now + 100 : null,
      finished_at: ended ? now + 1_000 : null,
      attempt: 1,
      max_attempts: 2,
      agents_spawned: 1,
      usage: null,
      error_code: null,
      error_message: null,
      error_step: null,
      lease_owner: null,
      lease_until: null,
      fence: ended ? 1 : 0,
      after_run_id: null,
      created_at: now,
      updated_at: ended ? now + 1_000 : now,
    });
  }
  return rows;
}

async function insertFiringRows(database: Database, rows: FiringRows): Promise<void> {
  await database.write(async (trx) => {
    const insert = async <T extends keyof Schema>(table: T, list: Insertable<Schema[T]>[]) => {
      for (const chunk of chunks(list)) await trx.insertInto(table).values(chunk).execute();
    };
    await insert('ticks', rows.ticks);
    await insert('tick_items', rows.entries);
    await insert('runs', rows.runs);
  });
}

/**
 * Days of ended ticks and completed runs before the first round, one firing a day for every
 * schedule: what a database that has run for a while holds (retention keeps 90 days).
 */
async function seedHistory(database: Database): Promise<void> {
  const schedules = await schedulesWithItems(database);
  for (let day = 1; day <= HISTORY_DAYS; day++)
    await insertFiringRows(database, firingRows(schedules, FIRST_FIRE - (day + 1) * DAY, true));
}

/** The raw insert of one firing's rows for every schedule, in ticks+runs per second. */
async function rawInsert(database: Database, fireTime: number): Promise<number> {
  const rows = firingRows(await schedulesWithItems(database), fireTime, false);
  const started = performance.now();
  await insertFiringRows(database, rows);
  const elapsed = performance.now() - started;
  await clearFiring(database, fireTime);
  return (rows.ticks.length + rows.runs.length) / (elapsed / 1000);
}

/** Removes what firing from `since` on wrote, and leaves the history before it. */
async function clearFiring(database: Database, since: number): Promise<void> {
  await database.write(async (trx) => {
    const runs = trx.selectFrom('runs').select('id').where('scheduled_for', '>=', since);
    const steps = trx.selectFrom('run_steps').select('id').where('run_id', 'in', runs);
    const ticks = trx.selectFrom('ticks').select('id').where('fire_time', '>=', since);
    await trx.deleteFrom('step_logs').where('step_id', 'in', steps).execute();
    await trx.deleteFrom('findings').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('run_steps').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('runs').where('scheduled_for', '>=', since).execute();
    await trx.deleteFrom('tick_items').where('tick_id', 'in', ticks).execute();
    await trx.deleteFrom('ticks').where('fire_time', '>=', since).execute();
  });
}

interface RoundResult {
  readonly rate: number;
  readonly raw: number;
  readonly rowP50: number;
  readonly rowP99: number;
  readonly startP50: number;
  readonly startP99: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function round(database: Database, fireTime: number): Promise<RoundResult> {
  const raw = await rawInsert(database, fireTime - DAY / 2);
  let offset = fireTime - LEAD_MS - Date.now();
  const clock: Clock = {
    now: () => Date.now() + offset,
    timer: (delay, fire) => systemClock.timer(delay, fire),
  };
  const lateness: number[] = [];
  let done = 0;
  const errors: unknown[] = [];
  const newId = () => uuidv7(clock.now());
  const worker = new Worker({
    store: workerStore(database),
    workerId: `bench-worker-${fireTime}`,
    concurrency: CONCURRENCY,
    executors: { 'builtin:noop': noop },
    now: () => clock.now(),
    timer: (delay, fire) => clock.timer(delay, fire),
    onError: (error) => errors.push(error),
    // Counted as they end, so the round's progress costs the database nothing while it fires.
    onRunEnded: (end) => {
      if (end.status === 'completed') done++;
    },
  });
  const scheduler = new Scheduler({
    store: schedulerStore(database),
    clock,
    newId,
    holder: `bench-scheduler-${fireTime}`,
    retentionDays: 90,
    onError: (error) => errors.push(error),
    onRound: (report: RoundReport) => {
      lateness.push(...report.pass.latenessMs);
      if (report.pass.ticks > 0) void worker.poll();
    },
  });
  await worker.start();
  await scheduler.start();
  const deadline = Date.now() + ROUND_LIMIT_MS;
  while (done < N && Date.now() < deadline) await sleep(100);
  await scheduler.stop();
  await worker.stop(5_000);
  offset = 0;
  if (errors.length > 0) throw new Error(`errors while firing: ${String(errors[0])}`);
  if (done < N) throw new Error(`only ${done} of ${N} runs completed within the round's limit`);
  if (lateness.length !== N) throw new Error(`${lateness.length} ticks written on time, not ${N}`);
  const starts = (
    await database.db
      .selectFrom('runs')
      .select(['started_at', 'scheduled_for'])
      .where('scheduled_for', '=', fireTime)
      .execute()
  )
    .map((r) => (r.started_at as number) - (r.scheduled_for as number))
    .sort((a, b) => a - b);
  const sorted = [...lateness].sort((a, b) => a - b);
  const result = {
    rate: (2 * N) / (sorted[sorted.length - 1]! / 1000),
    raw,
    rowP50: percentile(sorted, 50),
    rowP99: percentile(sorted, 99),
    startP50: percentile(starts, 50),
    startP99: percentile(starts, 99),
  };
  await clearFiring(database, fireTime);
  return result;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${Math.round(n)} ms`;

async function main(): Promise<void> {
  const rows: string[] = [];
  const notes: string[] = [];
  for (const open of [sqliteLeg, postgresLeg]) {
    const leg = await open();
    if (typeof leg === 'string') {
      notes.push(`PostgreSQL leg skipped: ${leg}.`);
      continue;
    }
    try {
      await migrateToLatest(leg.database);
      await seed(leg.database);
      await seedHistory(leg.database);
      const results: RoundResult[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        results.push(await round(leg.database, FIRST_FIRE + r * DAY));
        process.stderr.write(`${leg.name}: round ${r + 1} of ${ROUNDS} done\n`);
      }
      const m = (key: keyof RoundResult) => median(results.map((result) => result[key]));
      rows.push(
        `| ${leg.name} | ${int(N)} | ${int(m('rate'))} | ${int(m('raw'))} | ${(m('rate') / m('raw')).toFixed(2)} | ${ms(m('rowP50'))} | ${ms(m('rowP99'))} | ${ms(m('startP50'))} | ${ms(m('startP99'))} |`,
      );
    } finally {
      await leg.dispose();
    }
  }
  console.log(
    `### Firing ${int(N)} schedules due at one instant (median of ${ROUNDS} rounds; ${HISTORY_DAYS} days of history; worker concurrency ${CONCURRENCY})\n`,
  );
  console.log(
    '| database | schedules | ticks+runs/s (ours) | ticks+runs/s (raw insert of the same rows) | ours ÷ raw | fire → run row p50 | p99 | fire → run started p50 | p99 |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log(
    '\nOurs: ticks and runs written per second from the fire time to the last commit (claims, reads, ' +
      'planning and writes included). Raw: the same tick, audit-entry and run rows inserted in ' +
      '500-row statements in one transaction, measured on the same database in the same round. ' +
      `History: ${int(HISTORY_DAYS * N)} ended ticks and completed runs (${HISTORY_DAYS} days of one firing a day per schedule) are in the database before the first round. ` +
      'Lateness is from the nominal fire time to the commit of the run row, and to the worker ' +
      'starting the run (a no-op agent).',
  );
  for (const note of notes) console.log(`\n${note}`);
}

await main();
