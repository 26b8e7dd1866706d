// The roles that work behind the HTTP server: the worker, and the scheduler with the digest
// mailer beside it (the scheduler's process ends the ticks, so it mails their digests).
import type { Config } from '../config.ts';
import type { Clock } from '../engine/clock.ts';
import { isHolderAlive } from '../engine/holder.ts';
import { Scheduler } from '../engine/scheduler.ts';
import type { Metrics } from '../http/metrics.ts';
import type { Logger } from '../logger.ts';
import { DigestMailer } from '../mail/digest-mailer.ts';
import type { DigestTransport } from '../mail/digest-transport.ts';
import type { Database } from '../storage/database.ts';
import { mailStore } from '../storage/mail-storage.ts';
import { schedulerStore } from '../storage/scheduler-storage.ts';
import { workerStore } from '../storage/worker-storage.ts';
import { executors } from '../worker/executors/registry.ts';
import { Worker } from '../worker/worker.ts';
import { logDelivery, recordRound, recordRunEnd } from './activity-log.ts';
import { liveAllowList } from './allow-list.ts';
import { callIdentity } from './call-identity.ts';
import type { Closers } from './closers.ts';
import type { Identity } from './identity.ts';

export interface RoleContext {
  readonly config: Config;
  readonly database: Database;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The clock leases and fire times are judged by (the database's on PostgreSQL). */
  readonly clock: Clock;
  /** This machine's clock, for local timers such as the allow-list refresh. */
  readonly localClock: Clock;
  readonly newId: () => string;
  readonly holder: string;
  readonly closers: Closers;
}

export async function createWorker(
  context: RoleContext,
  identity: Pick<Identity, 'box' | 'keys' | 'grants'>,
): Promise<Worker> {
  const { config, database, logger, metrics, clock } = context;
  const now = () => clock.now();
  return new Worker({
    store: workerStore(database),
    workerId: context.holder,
    concurrency: config.workerConcurrency,
    executors: executors({
      allow: await liveAllowList(config, database, context.localClock, context.closers),
      now,
      identity: callIdentity(config, database, identity, now),
    }),
    now,
    timer: (delayMs, fire) => clock.timer(delayMs, fire),
    secrets: identity.box,
    onError: (error) => logger.error({ err: error }, 'the worker hit an error'),
    onRunEnded: (end) => recordRunEnd(metrics, logger, end),
  });
}

export function createMailer(context: RoleContext, transport: DigestTransport): DigestMailer {
  const { config, logger, clock } = context;
  return new DigestMailer({
    store: mailStore(context.database),
    transport,
    holder: context.holder,
    publicUrl: config.publicUrl,
    mailFrom: config.mailFrom,
    now: () => clock.now(),
    timer: (delayMs, fire) => clock.timer(delayMs, fire),
    onError: (error) => logger.error({ err: error }, 'the digest mailer hit an error'),
    onAttempt: (digest, result) => logDelivery(logger, digest.id, result),
  });
}

export function createScheduler(context: RoleContext, mailer: DigestMailer): Scheduler {
  const { logger, metrics } = context;
  return new Scheduler({
    store: schedulerStore(context.database),
    clock: context.clock,
    newId: context.newId,
    holder: context.holder,
    retentionDays: context.config.retentionDays,
    isHolderAlive,
    onError: (error) => logger.error({ err: error }, 'a scheduler round failed'),
    onRound: (report) => {
      recordRound(metrics, logger, report);
      // A tick that ended, or was written ended, may have queued a digest.
      if (report.pass.ticks > 0 || report.ended.ended > 0) void mailer.poll();
    },
  });
}
