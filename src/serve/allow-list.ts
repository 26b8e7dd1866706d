// The outbound allow list: ROTA_OUTBOUND_ALLOW plus the origins allowed in the database, re-read
// every 15 s so that an origin `rota demo` allows reaches a running worker without a restart.
import type { Config } from '../config.ts';
import { repeatEvery, type Clock } from '../engine/clock.ts';
import type { Database } from '../storage/database.ts';
import { allowedOrigins } from '../storage/outbound-origin-store.ts';
import { parseAllowList, type AllowList } from '../worker/net/address-policy.ts';
import type { Closers } from './closers.ts';

export async function liveAllowList(
  config: Config,
  database: Database,
  clock: Clock,
  closers: Closers,
): Promise<AllowList> {
  const origins = await allowedOrigins(database);
  // While the database is away the last list stays in force.
  const refresh = repeatEvery(clock, 15_000, async () => {
    const latest = await allowedOrigins(database);
    origins.clear();
    for (const origin of latest) origins.add(origin);
  });
  closers.add(() => refresh.stop());
  return parseAllowList(config.outboundAllow, origins);
}
