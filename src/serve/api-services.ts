// What the REST API is built from besides its credentials (src/auth) and clock: the stores, and
// the engine's manual trigger (workers hear of the runs it queues from the database).
import { clientAdmin } from '../auth/clients.ts';
import type { SecretSeal } from '../core/callee-config.ts';
import { manualTrigger } from '../engine/manual-trigger.ts';
import type { TickSummary } from '../engine/tick-summary.ts';
import type { ApiDeps } from '../http/api-deps.ts';
import { apiStores } from '../storage/api-stores.ts';
import type { Database } from '../storage/database.ts';
import { schedulerStore } from '../storage/scheduler-storage.ts';

export function apiServices(
  database: Database,
  clock: { readonly now: () => number; readonly newId: () => string },
  secrets: SecretSeal,
  onManualTick?: (tick: TickSummary) => void,
): Pick<ApiDeps, 'stores' | 'engine' | 'newId'> {
  const { newId } = clock;
  return {
    stores: { ...apiStores(database, secrets), clients: clientAdmin(database, clock) },
    engine: manualTrigger({ store: schedulerStore(database).firing, newId }, onManualTick),
    newId,
  };
}
