// An API server for tests: the real Fastify app with the real stores over a real database
// (SQLite file or PostgreSQL schema), two tenants, and signed test tokens for each.
import pino from 'pino';
import type { LightMyRequestResponse } from 'fastify';
import { ROLE_SCOPES } from '../../src/core/principal.ts';
import { buildApp } from '../../src/http/app.ts';
import { createMetrics } from '../../src/http/metrics.ts';
import { bearerCredential, type Principal } from '../../src/http/principal.ts';
import type { RateLimits } from '../../src/http/rate-limit.ts';
import { DigestMailer } from '../../src/mail/digest-mailer.ts';
import type { DigestTransport } from '../../src/mail/digest-transport.ts';
import { createMailService } from '../../src/mail/mail-service.ts';
import { outboxTransport } from '../../src/mail/outbox-transport.ts';
import { testSecretBox } from '../../src/auth/auth.test-helpers.ts';
import type { SecretBox } from '../../src/auth/secret-box.ts';
import { apiServices } from '../../src/main.ts';
import { actorScope } from '../../src/serve/request-actor.ts';
import type { Database } from '../../src/storage/database.ts';
import { uuidv7 } from '../../src/storage/new-id.ts';
import { testTokens } from './test-authenticator.ts';
import { watchStatuses } from './documented-statuses.ts';
import { mailStore } from '../../src/storage/mail-storage.ts';

/** 2027-03-10T12:00:00Z: a Wednesday, before the US spring-forward of 2027-03-14. */
export const T0 = Date.UTC(2027, 2, 10, 12, 0);

export interface Caller {
  readonly tenantId: string;
  readonly token: string;
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export interface ApiHarness {
  readonly app: ReturnType<typeof buildApp>;
  /** What seals agents' and tools' header values in this harness. */
  readonly secrets: SecretBox;
  /** Tenant A's member, tenant A's admin, tenant B's member and tenant B's admin. */
  readonly alice: Caller;
  readonly admin: Caller;
  readonly bob: Caller;
  readonly bobAdmin: Caller;
  /** Tenant A's caller with the given role and exactly these scopes (a narrowed token). */
  scoped(role: 'admin' | 'member', scopes: Principal['scopes']): Caller;
  /** How often the API told the scheduler that schedules changed. */
  readonly wakes: () => number;
  /** Delivers every due digest through the mail transport once, as serve’s mailer would. */
  deliverDigests(): Promise<void>;
  setNow(ms: number): void;
  now(): number;
  close(): Promise<void>;
}

export async function apiHarness(
  database: Database,
  options: {
    readonly rateLimits?: RateLimits;
    /** Where digests go; the built-in outbox unless given. */
    readonly mailTransport?: DigestTransport;
  } = {},
): Promise<ApiHarness> {
  let now = T0;
  let wakes = 0;
  const tokens = testTokens();
  const tenants: string[] = [];
  for (const name of ['tenant-a', 'tenant-b']) {
    const id = uuidv7(now);
    tenants.push(id);
    await database.db
      .insertInto('tenants')
      .values({
        id,
        name,
        timezone: 'UTC',
        daily_agent_budget: 200,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const mail = {
    store: mailStore(database),
    transport: options.mailTransport ?? outboxTransport,
    publicUrl: 'https://rota.example.test',
    mailFrom: 'Rota <rota@example.test>',
    now: () => now,
  };
  const secrets = testSecretBox();
  const app = buildApp({
    logger: pino({ level: 'silent' }),
    metrics: createMetrics(),
    readiness: () => Promise.resolve({ ready: true, checks: {} }),
    now: () => now,
    api: {
      ...apiServices(database, { now: () => now, newId: () => uuidv7(now) }, secrets),
      credentials: [bearerCredential(tokens.authenticate)],
      actorScope,
      onSchedulesChanged: () => void wakes++,
      mail: createMailService({ ...mail, newId: () => uuidv7(now) }),
      ...(options.rateLimits === undefined ? {} : { rateLimits: options.rateLimits }),
    },
  });
  const statuses = watchStatuses(app);
  await app.ready();
  const caller = (principal: Principal): Caller => {
    const token = tokens.sign(principal);
    return {
      tenantId: principal.tenantId,
      token,
      request: (method, url, body, headers = {}) =>
        app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}`, ...headers },
          ...(body === undefined ? {} : { payload: body as object }),
        }),
    };
  };
  const [a = '', b = ''] = tenants;
  const person = (tenantId: string, role: 'admin' | 'member', subject: string): Principal => ({
    tenantId,
    role,
    subject,
    kind: 'client',
    scopes: ROLE_SCOPES[role],
  });
  return {
    app,
    secrets,
    alice: caller(person(a, 'member', 'client-alice')),
    admin: caller(person(a, 'admin', 'client-admin')),
    bob: caller(person(b, 'member', 'client-bob')),
    bobAdmin: caller(person(b, 'admin', 'client-bob-admin')),
    scoped: (role, scopes) => caller({ ...person(a, role, `client-${role}-scoped`), scopes }),
    wakes: () => wakes,
    async deliverDigests() {
      // The mailer's timer never fires: one look, then it stops.
      const timer = () => ({ cancel: () => undefined });
      const mailer = new DigestMailer({ ...mail, holder: 'harness-mailer', timer });
      await mailer.start();
      await mailer.stop();
    },
    setNow: (ms) => void (now = ms),
    now: () => now,
    async close() {
      const undocumented = await statuses.undocumented();
      await app.close();
      if (undocumented.length > 0)
        throw new Error(
          `The API answered with statuses its OpenAPI document does not list:\n${undocumented.join('\n')}`,
        );
    },
  };
}

/** A project, an agent, two journeys and a test plan in the caller's tenant. */
export async function seedProject(caller: Caller, name = 'Shop') {
  const project = (await caller.request('POST', '/api/v1/projects', { name })).json();
  const agent = (
    await caller.request('POST', '/api/v1/agents', {
      project_id: project.id,
      name: 'walker',
      kind: 'builtin',
      config: { builtin: 'http_journey' },
    })
  ).json();
  const journey = async (journeyName: string) =>
    (
      await caller.request('POST', '/api/v1/journeys', {
        project_id: project.id,
        name: journeyName,
        agent_id: agent.id,
        inputs: { base_url: 'https://shop.example/' },
      })
    ).json();
  const browse = await journey('Browse');
  const checkout = await journey('Check out');
  const plan = (
    await caller.request('POST', '/api/v1/test-plans', {
      project_id: project.id,
      name: 'Smoke',
      journey_ids: [browse.id, checkout.id],
    })
  ).json();
  return { project, agent, browse, checkout, plan };
}

/**
 * A schedule in `projectId` whose digests go to qa@shop.example, ticked once through the manual
 * trigger; then `digests` force-sends of its digest, one second apart (newest last).
 */
export async function seedDigests(api: ApiHarness, caller: Caller, projectId: string, digests = 1) {
  const schedule = (
    await caller.request('POST', '/api/v1/schedules', {
      project_id: projectId,
      name: 'Mailed',
      digest_config: { recipients: ['qa@shop.example'] },
    })
  ).json();
  const tick = (await caller.request('POST', `/api/v1/schedules/${schedule.id}/trigger`)).json();
  const sent = [];
  for (let i = 0; i < digests; i++) {
    api.setNow(api.now() + 1_000);
    sent.push((await caller.request('POST', `/api/v1/schedules/${schedule.id}/digest`)).json());
  }
  return { schedule, tick, digests: sent };
}
