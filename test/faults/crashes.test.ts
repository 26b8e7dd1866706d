// Crashes, in separate processes, on both databases (research/reliability.md §4): a worker killed
// mid-step, a worker that comes back after losing its lease, and a scheduler killed between
// claiming a schedule and writing its tick, or between writing the tick and moving on.
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { runSchedulerPass } from '../../src/engine/scheduler-pass.ts';
import type { Database } from '../../src/storage/database.ts';
import { describeEachDatabase, type TestDatabase } from '../storage/databases.ts';
import { seedEngineSchedule } from '../engine/seed.ts';
import { reap, startFaultProcess, type Child } from './child.ts';
import { schedulerStore } from '../../src/storage/scheduler-storage.ts';

interface AgentCall {
  readonly key: string | undefined;
  readonly attempt: number;
  readonly respond: (output: object) => void;
}

// The team's agent: records every call and answers when the test says so.
let agent: Server;
let agentUrl: string;
const calls: AgentCall[] = [];
let answerAtOnce: object | undefined;
beforeAll(async () => {
  agent = createServer((request, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const respond = (output: object) => {
        if (response.headersSent || response.destroyed) return;
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ output }));
      };
      calls.push({
        key: request.headers['idempotency-key'] as string | undefined,
        attempt: (JSON.parse(body) as { attempt: number }).attempt,
        respond,
      });
      if (answerAtOnce !== undefined) respond(answerAtOnce);
    });
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/agent`;
});
afterAll(() => {
  agent.closeAllConnections();
  return new Promise<void>((resolve) => agent.close(() => resolve()));
});

const LEASE = { leaseMs: 1_500, heartbeatMs: 300, allow: ['127.0.0.1'] };

/** Polls `check` every 100 ms until it gives a value, at most `tries` times. */
async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  tries = 200,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeEachDatabase('crashes', (fresh) => {
  let current: TestDatabase | undefined;
  const children: Child[] = [];
  afterEach(async () => {
    await reap(children.splice(0));
    for (const call of calls.splice(0)) call.respond({ late: true });
    answerAtOnce = undefined;
    await current?.dispose();
    current = undefined;
  });
  const start = (...args: Parameters<typeof startFaultProcess>) => {
    const child = startFaultProcess(...args);
    children.push(child);
    return child;
  };

  /** One queued run of a journey whose agent is the test's http agent. */
  async function queuedRun(database: Database): Promise<string> {
    const at = Date.now() - 1_000;
    await seedEngineSchedule(database.db, {
      cadence: { type: 'cron', expression: '0 0 1 1 *' },
      createdAt: at - 60_000,
      nextFireAt: at,
    });
    await database.db
      .updateTable('agents')
      .set({ kind: 'http', config: JSON.stringify({ url: agentUrl }) })
      .execute();
    await runSchedulerPass({ store: schedulerStore(database).firing, newId: randomUUID }, at);
    const run = await database.db.selectFrom('runs').select('id').executeTakeFirstOrThrow();
    return run.id;
  }

  const runRow = (database: Database, id: string) =>
    database.db
      .selectFrom('runs')
      .select(['status', 'attempt', 'error_code'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('re-attempts a run whose worker was killed mid-step once, with the same idempotency key, and completes it once', async () => {
    current = await fresh();
    const { database, spec } = current;
    const runId = await queuedRun(database);
    const first = start({ role: 'worker', db: spec, ...LEASE });
    await until(() => calls[0], 'the first call');
    await first.kill('SIGKILL');

    answerAtOnce = { verdict: 'ok' };
    const second = start({ role: 'worker', db: spec, ...LEASE });
    await second.waitFor((e) => e.event === 'run-ended');
    await second.kill('SIGTERM');

    expect(calls.map((c) => [c.key, c.attempt])).toEqual([
      [`${runId}:0`, 1],
      [`${runId}:0`, 2],
    ]);
    expect(await runRow(database, runId)).toEqual({
      status: 'completed',
      attempt: 2,
      error_code: null,
    });
    expect(second.events.filter((e) => e.event === 'run-ended')).toEqual([
      { event: 'run-ended', result: 'completed' },
    ]);
    const steps = await database.db.selectFrom('run_steps').select(['status', 'output']).execute();
    expect(steps).toEqual([{ status: 'completed', output: JSON.stringify({ verdict: 'ok' }) }]);
  });

  it('lets a worker that comes back after losing its lease write nothing', async () => {
    current = await fresh();
    const { database, spec } = current;
    const runId = await queuedRun(database);
    const stale = start({ role: 'worker', db: spec, ...LEASE });
    const staleCall = await until(() => calls[0], 'the first call');
    stale.process.kill('SIGSTOP'); // frozen: no heartbeats, its lease runs out

    answerAtOnce = { by: 'fresh' };
    const fresh2 = start({ role: 'worker', db: spec, ...LEASE });
    await fresh2.waitFor((e) => e.event === 'run-ended');
    expect(await runRow(database, runId)).toEqual({
      status: 'completed',
      attempt: 2,
      error_code: null,
    });

    staleCall.respond({ by: 'stale' });
    stale.process.kill('SIGCONT');
    expect(await stale.waitFor((e) => e.event === 'run-ended')).toEqual({
      event: 'run-ended',
      result: 'lease_lost',
    });
    expect(await runRow(database, runId)).toEqual({
      status: 'completed',
      attempt: 2,
      error_code: null,
    });
    const steps = await database.db.selectFrom('run_steps').select(['status', 'output']).execute();
    expect(steps).toEqual([{ status: 'completed', output: JSON.stringify({ by: 'fresh' }) }]);
  });

  for (const pauseAt of ['beforeTickWrite', 'beforeAdvance'] as const) {
    it(`leaves no fire time lost or ticked twice when the scheduler is killed ${pauseAt === 'beforeTickWrite' ? 'between claiming and writing the tick' : 'between writing the tick and moving on'}`, async () => {
      current = await fresh();
      const { database, spec } = current;
      const hour = 3_600_000;
      const fire = Math.floor(Date.now() / hour) * hour; // the last full hour: due now
      const { schedule } = await seedEngineSchedule(database.db, {
        cadence: { type: 'cron', expression: '0 * * * *' },
        createdAt: fire - hour,
        nextFireAt: fire,
        catchupPolicy: 'all',
      });
      const ttl = { lockTtlMs: 1_500, claimTtlMs: 1_500 };
      const crashing = start({ role: 'scheduler', db: spec, pauseAt, ...ttl });
      await crashing.waitFor((e) => e.event === 'paused');
      await crashing.kill('SIGKILL');

      const next = start({ role: 'scheduler', db: spec, ...ttl });
      await until(async () => {
        const moved = await database.db
          .selectFrom('schedules')
          .select('next_fire_at')
          .where('id', '=', schedule)
          .where('next_fire_at', '>', fire)
          .executeTakeFirst();
        return moved;
      }, 'the schedule to move on');
      await next.kill('SIGTERM');
      expect(next.events.filter((e) => e.event === 'error')).toEqual([]);

      const ticks = await database.db
        .selectFrom('ticks')
        .select('fire_time')
        .where('schedule_id', '=', schedule)
        .orderBy('fire_time')
        .execute();
      const missed = await database.db.selectFrom('missed_fire_times').selectAll().execute();
      const row = await database.db
        .selectFrom('schedules')
        .select(['next_fire_at', 'claimed_by'])
        .where('id', '=', schedule)
        .executeTakeFirstOrThrow();
      const fireTimes = ticks.map((t) => t.fire_time);
      expect(fireTimes[0]).toBe(fire);
      expect(new Set(fireTimes).size).toBe(fireTimes.length);
      // Every hour from the crashed one up to the next fire time has exactly one tick.
      const expected = Array.from(
        { length: ((row.next_fire_at as number) - fire) / hour },
        (_, i) => fire + i * hour,
      );
      expect(fireTimes).toEqual(expected);
      expect(missed).toEqual([]);
      expect(row.claimed_by).toBeNull();
    });
  }
});
