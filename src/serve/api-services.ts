// What the REST API is built from besides its credentials (src/auth) and clock: the stores, the
// users and sessions, and the engine's manual trigger (workers hear of the runs it queues from the
// database).
import { clientAdmin } from '../auth/clients.ts';
import { SessionService, type SessionSettings, type SessionUser } from '../auth/sessions.ts';
import { UserAdmin } from '../auth/users.ts';
import type { SecretSeal } from '../core/callee-config.ts';
import { manualTrigger } from '../engine/manual-trigger.ts';
import type { TickSummary } from '../engine/tick-summary.ts';
import type { ApiDeps } from '../http/api-deps.ts';
import { apiStores } from '../storage/api-stores.ts';
import type { Database } from '../storage/database.ts';
import { schedulerStore } from '../storage/scheduler-storage.ts';

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
  const { newId } = clock;
  return {
    stores: {
      ...apiStores(database, secrets),
      clients: clientAdmin(database, clock),
      users: new UserAdmin(database, clock),
    },
    sessions: new SessionService({ ...people, database, now: clock.now }),
    engine: manualTrigger({ store: schedulerStore(database).firing, newId }, onManualTick),
    newId,
  };
}
