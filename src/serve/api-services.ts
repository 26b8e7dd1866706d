// What the REST API is built from besides its credentials (src/auth) and clock: the stores, with
// every change audited in its own transaction, the users and sessions, and the engine's manual
// trigger (workers hear of the runs it queues from the database).
import { clientAdmin } from '../auth/clients.ts';
import { SessionService, type SessionSettings, type SessionUser } from '../auth/sessions.ts';
import { UserAdmin } from '../auth/users.ts';
import type { SecretSeal } from '../core/callee-config.ts';
import { manualTrigger } from '../engine/manual-trigger.ts';
import type { TickSummary } from '../engine/tick-summary.ts';
import type { ApiDeps } from '../http/api-deps.ts';
import { apiStores } from '../storage/api-stores.ts';
import { calleeUpdateRule } from '../storage/callee-url-changes.ts';
import type { Database } from '../storage/database.ts';
import { schedulerStore } from '../storage/scheduler-storage.ts';
import { audited, created, removed, updated, type AuditRule } from '../storage/audited-store.ts';
import { currentActor } from './request-actor.ts';

type Stores = ReturnType<typeof apiStores>;
type Noun = 'project' | 'agent' | 'tool' | 'journey' | 'test_plan';

/** create, update and remove of a resource, audited as `noun.create` and so on. */
const crud = (noun: Noun) => ({
  create: created(`${noun}.create`, noun),
  update: updated(`${noun}.update`, noun),
  remove: removed(`${noun}.delete`, noun),
});

/** A schedule turned off is a pause; any other change an update. */
const scheduleUpdate: AuditRule = updated(
  (args) =>
    (args[2] as { readonly enabled?: boolean }).enabled === false
      ? 'schedule.pause'
      : 'schedule.update',
  'schedule',
);

/** How sessions behave: the configuration's settings, and who hears of a first sign-in. */
export interface PeopleOptions extends SessionSettings {
  readonly onFirstSignIn?: (user: SessionUser) => void;
}

/** The defaults of ROTA_SESSION_IDLE_MINUTES and ROTA_SESSION_MAX_HOURS, over plain http. */
export const DEFAULT_PEOPLE_OPTIONS: PeopleOptions = {
  publicUrl: 'http://localhost',
  idleMinutes: 720,
  maxHours: 168,
};

export function apiServices(
  database: Database,
  clock: { readonly now: () => number; readonly newId: () => string },
  secrets: SecretSeal,
  onManualTick?: (tick: TickSummary) => void,
  people: PeopleOptions = DEFAULT_PEOPLE_OPTIONS,
): Pick<ApiDeps, 'stores' | 'engine' | 'newId'> & { readonly sessions: SessionService } {
  const { newId, now } = clock;
  const auditing = { now, actor: currentActor };
  const part = <K extends keyof Stores>(
    key: K,
    rules: Partial<Record<keyof Stores[K], AuditRule>>,
  ) => audited(database, (d) => apiStores(d, secrets)[key], rules, auditing);
  return {
    stores: {
      ...apiStores(database, secrets),
      projects: part('projects', crud('project')),
      agents: part('agents', {
        ...crud('agent'),
        update: calleeUpdateRule('agent', (d, t, id) => apiStores(d, secrets).agents.get(t, id)),
      }),
      tools: part('tools', {
        ...crud('tool'),
        update: calleeUpdateRule('tool', (d, t, id) => apiStores(d, secrets).tools.get(t, id)),
      }),
      journeys: part('journeys', crud('journey')),
      testPlans: part('testPlans', crud('test_plan')),
      schedules: part('schedules', {
        create: created('schedule.create', 'schedule'),
        update: scheduleUpdate,
        remove: removed('schedule.delete', 'schedule'),
        addItem: {
          action: () => 'schedule_item.create',
          target: (args, result) =>
            result === 'added'
              ? { kind: 'schedule_item', id: (args[1] as { readonly id: string }).id }
              : undefined,
        },
        updateItem: updated('schedule_item.update', 'schedule_item', 2),
        removeItem: removed('schedule_item.delete', 'schedule_item', 2),
      }),
      tenantBudget: part('tenantBudget', { update: updated('tenant.update', 'tenant', 0) }),
      clients: audited(
        database,
        (d) => clientAdmin(d, clock),
        {
          create: {
            action: () => 'client.create',
            target: (_args, result) => ({
              kind: 'client',
              id: (result as { readonly client: { readonly id: string } }).client.id,
            }),
          },
          remove: removed('client.delete', 'client'),
        },
        auditing,
      ),
      users: new UserAdmin(database, clock),
    },
    sessions: new SessionService({ ...people, database, now }),
    engine: manualTrigger({ store: schedulerStore(database).firing, newId }, onManualTick),
    newId,
  };
}
