// A clock that reads like the database server's: this machine's clock plus an offset measured
// against the server (half the round trip either side), re-measured now and then. Synchronous
// reads matter: leases, claims and timers all take `now()` many times a second.
import { repeatEvery, type Clock } from './clock.ts';

export interface SyncedClock extends Clock {
  /** Measures the offset again. */
  sync(): Promise<void>;
  /** The last measured offset: server time minus local time, in ms. */
  offsetMs(): number;
  stop(): void;
}

export async function syncedClock(
  base: Clock,
  readServerTime: () => Promise<number>,
  options: { readonly resyncMs?: number; readonly onError?: (error: unknown) => void } = {},
): Promise<SyncedClock> {
  const { resyncMs = 60_000, onError } = options;
  let offset = 0;
  const sync = async () => {
    const before = base.now();
    const server = await readServerTime();
    const after = base.now();
    offset = server - (before + after) / 2;
  };
  await sync();
  // A failed measurement keeps the last offset; the next one comes as usual.
  const resync = repeatEvery(base, resyncMs, sync, onError);
  return {
    now: () => Math.round(base.now() + offset),
    timer: (delayMs, fire) => base.timer(delayMs, fire),
    sync,
    offsetMs: () => offset,
    stop: () => resync.stop(),
  };
}
