// The composition root: the only place that picks implementations and wires them together. The
// CLI calls these entry points; the pieces they are made of live in src/serve and src/admin.
//
// `serve` is one process that can play every role (ARCHITECTURE.md): it migrates the schema,
// makes sure a tenant exists, starts the scheduler (with the digest mailer) and the worker its
// role asks for, and serves HTTP; its `stop()` winds them down in reverse order, so that no run
// is left holding a lease.
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { systemClock, type Clock } from './engine/clock.ts';
import { holderName } from './engine/holder.ts';
import { createMetrics } from './http/metrics.ts';
import { createLogger, type Logger } from './logger.ts';
import { createMailService, type MailService } from './mail/mail-service.ts';
import { outboxTransport } from './mail/outbox-transport.ts';
import { smtpTransport } from './mail/smtp-transport.ts';
import { createMailer, createScheduler, createWorker } from './serve/background-roles.ts';
import { Closers } from './serve/closers.ts';
import {
  describeLocation,
  openConfiguredDatabase,
  prepareDatabase,
} from './serve/configured-database.ts';
import { createHttpServer, listen } from './serve/http-server.ts';
import { ensureFirstAdmin, forgetInitialPassword } from './serve/first-admin.ts';
import { startIdentity } from './serve/identity.ts';
import { serveClock } from './serve/serve-clock.ts';
import { logReady } from './serve/start-up-message.ts';
import { mailStore } from './storage/mail-storage.ts';
import { uuidv7 } from './storage/new-id.ts';

export { backup, BackupUnsupported } from './admin/backup.ts';
export { demo } from './admin/demo.ts';
export {
  createMachineClient,
  deleteMachineClient,
  machineClients,
} from './admin/machine-clients.ts';
export type { CreatedClient } from './admin/machine-clients.ts';
export { createUserAccount, deleteUserAccount, userAccounts } from './admin/user-accounts.ts';
export type { CreatedUser } from './admin/user-accounts.ts';
export { migrate, type MigrateResult } from './admin/migrate.ts';
export { apiServices } from './serve/api-services.ts';

export const ROLES = ['all', 'api', 'scheduler', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface ServeOptions {
  readonly role: Role;
  /** Where JSON log lines go; default stdout. */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
  /** Where a generated first-admin password is shown, bypassing the logger; default stdout. */
  readonly announce?: (text: string) => void;
}

export interface RunningServer {
  /** Where the HTTP server listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly logger: Logger;
  /** Force-send, outbox and mail status: what the API's mail routes call. */
  readonly mail: MailService;
  /** Stops claiming, lets in-flight runs finish within the grace period, closes everything. */
  stop(): Promise<void>;
}

export async function serve(config: Config, options: ServeOptions): Promise<RunningServer> {
  const { role } = options;
  const localClock = options.clock ?? systemClock;
  const logger = createLogger({ level: config.logLevel, destination: options.logDestination });
  const database = openConfiguredDatabase(config, (error) =>
    logger.warn({ err: error }, 'a database connection dropped'),
  );
  const closers = new Closers();
  closers.add(() => database.close());
  try {
    const clock = await serveClock(database, localClock, logger, closers);
    const now = () => clock.now();
    const newId = () => uuidv7(now());
    const prepared = await prepareDatabase(database, newId(), now());
    if (prepared.applied.length > 0)
      logger.info({ applied: prepared.applied }, 'applied migrations');
    if (prepared.tenant.created)
      logger.info({ tenant_id: prepared.tenant.id }, 'created the default tenant');
    const tokens = await startIdentity(config, database, { now, newId }, logger);
    await ensureFirstAdmin(config, database, {
      tenantId: prepared.tenant.id,
      now,
      newId,
      logger,
      announce: options.announce ?? ((text) => void process.stdout.write(text)),
    });
    const metrics = createMetrics();
    const context = { config, database, logger, metrics, clock, localClock, newId, closers };
    const roles = { ...context, holder: holderName(newId()) };
    const transport =
      config.smtpUrl === undefined ? outboxTransport : smtpTransport(config.smtpUrl);
    closers.add(() => transport.close());
    const runsScheduler = role === 'all' || role === 'scheduler';
    const mailer = runsScheduler ? createMailer(roles, transport) : undefined;
    const scheduler = mailer === undefined ? undefined : createScheduler(roles, mailer);
    // A force-send from the API wakes this process's mailer, if it runs one.
    const mail = createMailService({
      store: mailStore(database),
      transport,
      publicUrl: config.publicUrl,
      mailFrom: config.mailFrom,
      now,
      newId,
      wake: () => void mailer?.poll(),
    });
    let stopping = false;
    const app = createHttpServer({
      ...context,
      servesApi: role === 'all' || role === 'api',
      identity: tokens,
      mail,
      now,
      isStopping: () => stopping,
      onSchedulesChanged: () => scheduler?.wake(),
      onFirstSignIn: forgetInitialPassword(config),
    });
    // Listen before the scheduler and worker start: a run the first tick starts may call this
    // very server (the demo shop), and the API plugin takes a moment to load.
    const url = await listen(app, config);
    closers.add(() => app.close());
    if (scheduler !== undefined && mailer !== undefined) {
      closers.add(() => mailer.stop());
      await scheduler.start();
      closers.add(() => scheduler.stop());
      logger.info({ holder: roles.holder }, 'scheduler started');
      await mailer.start();
      logger.info({ transport: transport.description }, 'digest mailer started');
    }
    if (role === 'all' || role === 'worker') {
      const worker = await createWorker(roles, tokens);
      await worker.start();
      closers.add(() => worker.stop(config.shutdownGraceSeconds * 1000));
      logger.info({ concurrency: config.workerConcurrency }, 'worker started');
    }
    logReady(logger, { url, role, database: database.dialect, data: describeLocation(config) });
    return {
      url,
      logger,
      mail,
      async stop() {
        stopping = true;
        logger.info('stopping: no new work is claimed');
        await closers.closeAll();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await closers.closeAll().catch(() => undefined);
    throw error;
  }
}
