// Keeps a run's lease while a worker works it (SPEC section 4): renews it every `heartbeatMs`,
// one renewal at a time, and aborts the run once it is lost — when the store says the lease is no
// longer the holder's, or when renewals failed (the database is away) until the last lease it
// confirmed ran out. A short blip costs the run nothing.
import type { LeaseHolder } from '../core/work-records.ts';
import type { WorkerStore } from './worker-store.ts';

export interface LeaseTerms {
  readonly store: Pick<WorkerStore, 'heartbeat'>;
  readonly now: () => number;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
}

export interface KeptLease {
  isLost(): boolean;
  /** Stops renewing, once the renewal in flight is done. */
  stop(): Promise<void>;
}

export function keepLease(
  terms: LeaseTerms,
  holder: LeaseHolder,
  leaseUntil: number,
  controller: AbortController,
): KeptLease {
  let inFlight: Promise<void> = Promise.resolve();
  let lost = false;
  let confirmedUntil = leaseUntil;
  const beat = setInterval(() => {
    inFlight = inFlight.then(async () => {
      if (lost) return;
      const at = terms.now();
      const renewed = await terms.store.heartbeat(holder, at, terms.leaseMs).catch(() => undefined);
      if (renewed === true) confirmedUntil = at + terms.leaseMs;
      else if (renewed === false || terms.now() >= confirmedUntil) {
        lost = true;
        controller.abort();
      }
    });
  }, terms.heartbeatMs);
  beat.unref();
  return {
    isLost: () => lost,
    stop: async () => {
      clearInterval(beat);
      await inFlight;
    },
  };
}
