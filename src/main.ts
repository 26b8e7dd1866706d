// The composition root: the only place that picks implementations and wires them together.
// The CLI calls these entry points (serve, migrate, backup); nothing else in src/ imports this file.
//
// `serve` is one process that can play every role (ARCHITECTURE.md): it migrates the schema,
// makes sure a tenant exists, starts the scheduler (with the digest mailer) and the worker its
// role asks for, and serves HTTP; its `stop()` winds them down in reverse order, so that no run
// is left holding a lease.
import { mkdirSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import { clientAdmin, createClient, clientsOf, type ClientSummary } from './auth/clients.ts';
import { deleteClientByClientId } from './storage/client-store.ts';
import { SecretBox } from './auth/secret-box.ts';
import { resolveSecretKey } from './auth/secret-key.ts';
import { SigningKeys } from './auth/signing-keys.ts';
import { TokenService, tokenParties } from './auth/token-service.ts';
import type { Config } from './config.ts';
import type { SecretSeal } from './core/callee-config.ts';
import type { Role as ClientRole } from './core/principal.ts';
import { repeatEvery, systemClock, type Clock } from './engine/clock.ts';
import { manualTrigger } from './engine/manual-trigger.ts';
import { Scheduler, type RoundReport } from './engine/scheduler.ts';
import { holderName, isHolderAlive } from './engine/holder.ts';
import { syncedClock } from './engine/synced-clock.ts';
import type { ApiDeps } from './http/api-deps.ts';
import { bearerCredential } from './http/principal.ts';
import { buildApp, type Readiness } from './http/app.ts';
import { rateLimits } from './http/rate-limit.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { createLogger, type Logger } from './logger.ts';
import { apiStores } from './storage/api-stores.ts';
import { DigestMailer } from './mail/digest-mailer.ts';
import type { DigestTransport } from './mail/digest-transport.ts';
import { createMailService, type MailService } from './mail/mail-service.ts';
import { outboxTransport } from './mail/outbox-transport.ts';
import { smtpTransport } from './mail/smtp-transport.ts';
import type { DeliveryResult } from './core/digest-records.ts';
import type { Database } from './storage/database.ts';
import { setUpDemo, type DemoSetup } from './demo/demo-setup.ts';
import { pingDatabase, readDatabaseTime } from './storage/database-time.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { uuidv7 } from './storage/new-id.ts';
import { openDatabase, sqliteFile } from './storage/open-database.ts';
import { allowedOrigins } from './storage/outbound-origin-store.ts';
import { sealClearHeaders } from './storage/registry-store.ts';
import { mailStore } from './storage/mail-storage.ts';
import { schedulerStore } from './storage/scheduler-storage.ts';
import { isDatabaseUnavailable } from './storage/database-unavailable.ts';
import { backupSqlite } from './storage/sqlite/sqlite-backup.ts';
import { ensureDefaultTenant, ensureTenantNamed } from './storage/tenant-store.ts';
import { executors } from './worker/executors/registry.ts';
import { parseAllowList, type AllowList } from './worker/net/address-policy.ts';
import { Worker } from './worker/worker.ts';

export interface MigrateResult {
  /** Where the database is, without credentials. */
  readonly location: string;
  readonly applied: readonly string[];
}

export async function migrate(config: Config): Promise<MigrateResult> {
  const database = openConfiguredDatabase(config);
  try {
    const { applied } = await migrateToLatest(database);
    return { location: describeLocation(config), applied };
  } finally {
    await database.close();
  }
}

function describeLocation(config: Config): string {
  if (config.databaseUrl === undefined) return `${config.dataDir}/rota.db`;
  const url = new URL(config.databaseUrl);
  return url.protocol === 'sqlite:'
    ? config.databaseUrl
    : `${url.protocol}//${url.host}${url.pathname}`;
}

export class BackupUnsupported extends Error {
  readonly code = 'backup_unsupported';
}

/** Copies the embedded database to `destination` while Rota may be running. */
export async function backup(
  config: Config,
  destination: string,
): Promise<{ source: string; pages: number }> {
  const source = sqliteFile({ url: config.databaseUrl, dataDir: config.dataDir });
  if (source === undefined) {
    throw new BackupUnsupported(
      'rota backup copies the embedded SQLite database; back PostgreSQL up with pg_dump.',
    );
  }
  const { pages } = await backupSqlite(source, destination);
  return { source, pages };
}

export const ROLES = ['all', 'api', 'scheduler', 'worker'] as const;
export type Role = (typeof ROLES)[number];

export interface ServeOptions {
  readonly role: Role;
  /** Where JSON log lines go; default stdout. */
  readonly logDestination?: DestinationStream;
  readonly clock?: Clock;
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
  // On PostgreSQL every replica reads time as the database server does (set once connected).
  let clock: Clock = localClock;
  const now = () => clock.now();
  const newId = () => uuidv7(now());
  const database = openConfiguredDatabase(config, (error) =>
    logger.warn({ err: error }, 'a database connection dropped'),
  );
  const closers: (() => Promise<void>)[] = [() => database.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    // Replicas judge leases and fire times by one clock, the database server's (ADR 12).
    if (!database.coordination.singleProcess) {
      const synced = await syncedClock(localClock, () => readDatabaseTime(database), {
        onError: (error) => logger.warn({ err: error }, 'could not read the database clock'),
      });
      closers.push(() => Promise.resolve(synced.stop()));
      clock = synced;
      logger.info({ offset_ms: Math.round(synced.offsetMs()) }, 'using the database clock');
    }
    const prepared = await prepareDatabase(database, newId(), now());
    if (prepared.applied.length > 0)
      logger.info({ applied: prepared.applied }, 'applied migrations');
    if (prepared.tenant.created)
      logger.info({ tenant_id: prepared.tenant.id }, 'created the default tenant');
    const tokens = identity(config, database, now);
    if (tokens.keyFile.generated)
      logger.warn(
        { file: tokens.keyFile.path },
        'ROTA_SECRET_KEY is unset: generated a key into the data directory; keep it with the database (and set ROTA_SECRET_KEY for PostgreSQL)',
      );
    // Fails start-up when the stored keys were sealed under another ROTA_SECRET_KEY.
    await tokens.service.jwks();
    const resealed = await sealClearHeaders(database, tokens.box);
    if (resealed > 0)
      logger.info(
        { count: resealed },
        'sealed the header values of agents and tools kept in clear',
      );
    const metrics = createMetrics();
    const holder = holderName(newId());
    let worker: Worker | undefined;
    let scheduler: Scheduler | undefined;
    let stopping = false;
    const servesApi = role === 'all' || role === 'api';
    const transport = digestTransport(config);
    closers.push(() => Promise.resolve(transport.close()));
    let mailer: DigestMailer | undefined;
    // Before the app, which hands it to the API's mail routes; a force-send wakes this process's
    // mailer, if it runs one (it is created below).
    const mail = createMailService({
      store: mailStore(database),
      transport,
      publicUrl: config.publicUrl,
      mailFrom: config.mailFrom,
      now,
      newId,
      wake: () => void mailer?.poll(),
    });
    const app = buildApp({
      logger,
      metrics,
      readiness: () => readiness(database, stopping),
      now,
      ...(servesApi
        ? {
            oauth: {
              token: (request) => tokens.service.token(request),
              jwks: () => tokens.service.jwks(),
              isUnavailable: isDatabaseUnavailable,
            },
            api: {
              mail,
              ...apiServices(database, { now, newId }, tokens.box),
              credentials: [
                bearerCredential(async (header) => {
                  const verified = await tokens.service.authenticate(header);
                  return verified.ok ? verified.principal : verified.wwwAuthenticate;
                }),
              ],
              onSchedulesChanged: () => scheduler?.wake(),
              rateLimits: rateLimits(config.rateLimitPerClient, config.rateLimitPerTenant),
            },
          }
        : {}),
    });
    // Listen before the scheduler and worker start: a run the first tick starts may call this
    // very server (the demo shop), and the API plugin takes a moment to load.
    await app.listen({ host: config.host, port: config.port });
    closers.push(() => app.close());
    if (role === 'all' || role === 'worker') {
      worker = new Worker({
        database,
        workerId: holder,
        concurrency: config.workerConcurrency,
        executors: executors({
          allow: await liveAllowList(config, database, localClock, closers),
          now,
        }),
        now,
        newId,
        timer: (delayMs, fire) => clock.timer(delayMs, fire),
        secrets: tokens.box,
        onError: (error) => logger.error({ err: error }, 'the worker hit an error'),
        onRunEnded: (result) => {
          if (result !== 'lease_lost') metrics.runEnded(result);
        },
      });
    }
    // The scheduler, and the digest mailer beside it: the scheduler's process ends the ticks.
    if (role === 'all' || role === 'scheduler') {
      mailer = new DigestMailer({
        store: mailStore(database),
        transport,
        holder,
        publicUrl: config.publicUrl,
        mailFrom: config.mailFrom,
        now,
        timer: (delayMs, fire) => clock.timer(delayMs, fire),
        onError: (error) => logger.error({ err: error }, 'the digest mailer hit an error'),
        onAttempt: (digest, result) => logDelivery(logger, digest.id, result),
      });
      closers.push(() => mailer!.stop());
      scheduler = new Scheduler({
        store: schedulerStore(database),
        clock,
        newId,
        holder,
        retentionDays: config.retentionDays,
        isHolderAlive,
        onError: (error) => logger.error({ err: error }, 'a scheduler round failed'),
        onRound: (report) => {
          recordRound(metrics, logger, report);
          // A tick that ended, or was written ended, may have queued a digest.
          if (report.pass.ticks > 0 || report.ended.ended > 0) void mailer?.poll();
        },
      });
      await scheduler.start();
      closers.push(() => scheduler!.stop());
      logger.info({ holder }, 'scheduler started');
    }
    if (mailer !== undefined) {
      await mailer.start();
      logger.info({ transport: transport.description }, 'digest mailer started');
    }
    if (worker !== undefined) {
      await worker.start();
      const graceMs = config.shutdownGraceSeconds * 1000;
      closers.push(() => worker.stop(graceMs));
      logger.info({ concurrency: config.workerConcurrency }, 'worker started');
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ role, url, database: database.dialect }, 'rota is serving');
    return {
      url,
      logger,
      mail,
      async stop() {
        stopping = true;
        logger.info('stopping: no new work is claimed');
        await closeAll();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/**
 * What the REST API is built from besides its authenticator (src/auth) and clock: the stores, and
 * the engine's manual trigger (workers hear of the runs it queues from the database).
 */
export function apiServices(
  database: Database,
  clock: { readonly now: () => number; readonly newId: () => string },
  secrets: SecretSeal,
): Pick<ApiDeps, 'stores' | 'engine' | 'newId'> {
  const { newId } = clock;
  return {
    stores: { ...apiStores(database, secrets), clients: clientAdmin(database, clock) },
    engine: manualTrigger({ store: schedulerStore(database).firing, newId }),
    newId,
  };
}

/** SMTP when ROTA_SMTP_URL is set, else the built-in outbox (SPEC section 8). */
function digestTransport(config: Config): DigestTransport {
  return config.smtpUrl === undefined ? outboxTransport : smtpTransport(config.smtpUrl);
}

function logDelivery(logger: Logger, digestId: string, result: DeliveryResult): void {
  if (result.status === 'sent')
    logger.info({ digest_id: digestId, transport: result.transport }, 'digest delivered');
  else if (result.status === 'queued')
    logger.warn(
      { digest_id: digestId, error: result.error, next_attempt_at: result.nextAttemptAt },
      'digest delivery failed; it will be tried again',
    );
  else logger.error({ digest_id: digestId, error: result.error }, 'digest delivery failed');
}

/** The configured database; the data directory is created for the embedded one. */
function openConfiguredDatabase(config: Config, onIdleError?: (error: Error) => void): Database {
  if (config.databaseUrl === undefined) mkdirSync(config.dataDir, { recursive: true });
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    ...(onIdleError === undefined ? {} : { onIdleError }),
  });
}

/** The token service on this database, under the configured (or generated) secret key. */
function identity(config: Config, database: Database, now: () => number) {
  const resolved = resolveSecretKey({
    configured: config.secretKey,
    sharedByReplicas: !database.coordination.singleProcess,
    dataDir: config.dataDir,
  });
  const box = new SecretBox(resolved.key);
  const keys = new SigningKeys({ database, box, now });
  return {
    box,
    keyFile: { path: resolved.file, generated: resolved.generated },
    service: new TokenService({ database, keys, ...tokenParties(config.publicUrl), now }),
  };
}

/** What every start needs: the schema up to date and a tenant to work in. */
async function prepareDatabase(database: Database, tenantId: string, now: number) {
  const { applied } = await migrateToLatest(database);
  const tenant = await ensureDefaultTenant(database, { id: tenantId, now });
  return { applied, tenant };
}

async function readiness(database: Database, stopping: boolean): Promise<Readiness> {
  let databaseCheck = 'ok';
  try {
    await pingDatabase(database);
  } catch (error) {
    databaseCheck = `unreachable: ${(error as Error).message}`;
  }
  const checks = { database: databaseCheck, process: stopping ? 'stopping' : 'ok' };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

function recordRound(metrics: Metrics, logger: Logger, { pass, recovered, ended }: RoundReport) {
  for (const lateness of pass.latenessMs) metrics.tickWritten('schedule', lateness);
  for (let i = pass.latenessMs.length; i < pass.ticks; i++) metrics.tickWritten('catchup');
  metrics.missedFireTimes(pass.missed);
  metrics.runEnded('failed', recovered.failed + ended.pastDeadline);
  if (pass.ticks > 0 || pass.missed > 0)
    logger.info({ ticks: pass.ticks, missed: pass.missed }, 'scheduler pass');
  if (recovered.requeued > 0 || recovered.failed > 0)
    logger.warn({ ...recovered }, 'runs whose worker stopped renewing its lease were recovered');
}

/**
 * The outbound allow list: ROTA_OUTBOUND_ALLOW plus the origins allowed in the database, re-read
 * every 15 s so that an origin `rota demo` allows reaches a running worker without a restart.
 */
async function liveAllowList(
  config: Config,
  database: Database,
  clock: Clock,
  closers: (() => Promise<void>)[],
): Promise<AllowList> {
  const origins = await allowedOrigins(database);
  // While the database is away the last list stays in force.
  const refresh = repeatEvery(clock, 15_000, async () => {
    const latest = await allowedOrigins(database);
    origins.clear();
    for (const origin of latest) origins.add(origin);
  });
  closers.push(() => Promise.resolve(refresh.stop()));
  return parseAllowList(config.outboundAllow, origins);
}

/** `rota demo`: the demo project in the configured database, for `rota serve` to run. */
export async function demo(config: Config, now: number): Promise<DemoSetup> {
  const database = openConfiguredDatabase(config);
  try {
    const newId = () => uuidv7(now);
    const { tenant } = await prepareDatabase(database, newId(), now);
    return await setUpDemo(database, {
      tenantId: tenant.id,
      origin: `http://127.0.0.1:${config.port}`,
      now,
      newId,
    });
  } finally {
    await database.close();
  }
}

export interface CreatedClient {
  readonly tenantId: string;
  readonly tenantName: string | undefined;
  /** True when this call created the tenant. */
  readonly tenantCreated: boolean;
  readonly client: ClientSummary;
  readonly clientSecret: string;
}

/**
 * `rota clients create`: a machine client in the configured database, no server needed. The
 * tenant is `tenant` by name, created when missing, or else the installation's first tenant
 * (the default one, created on an empty database as `serve` would).
 */
export async function createMachineClient(
  config: Config,
  request: {
    readonly tenant: string | undefined;
    readonly role: ClientRole;
    readonly name: string;
    readonly now: number;
  },
): Promise<CreatedClient> {
  const database = openConfiguredDatabase(config);
  try {
    const newId = () => uuidv7(request.now);
    await migrateToLatest(database);
    const candidate = { id: newId(), now: request.now };
    const tenant =
      request.tenant === undefined
        ? await ensureDefaultTenant(database, candidate)
        : await ensureTenantNamed(database, request.tenant, candidate);
    const { client, clientSecret } = await createClient(database, {
      tenantId: tenant.id,
      role: request.role,
      name: request.name,
      id: newId(),
      now: request.now,
    });
    return {
      tenantId: tenant.id,
      tenantName: request.tenant,
      tenantCreated: tenant.created,
      client,
      clientSecret,
    };
  } finally {
    await database.close();
  }
}

/** `rota clients list`: every tenant's clients, without secrets. */
export async function machineClients(config: Config): Promise<ClientSummary[]> {
  const database = openConfiguredDatabase(config);
  try {
    await migrateToLatest(database);
    return await clientsOf(database, undefined);
  } finally {
    await database.close();
  }
}

/** `rota clients delete <client_id>`: revokes a client; false when there is none with that id. */
export async function deleteMachineClient(config: Config, clientId: string): Promise<boolean> {
  const database = openConfiguredDatabase(config);
  try {
    await migrateToLatest(database);
    return await deleteClientByClientId(database, clientId);
  } finally {
    await database.close();
  }
}
