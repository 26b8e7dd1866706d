import { describe, expect, it } from 'vitest';
import type { Clock } from './clock.ts';
import { syncedClock } from './synced-clock.ts';

function manualClock(start: number) {
  let now = start;
  const timers: { at: number; fire: () => void; cancelled: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    timer(delayMs, fire) {
      const entry = { at: now + delayMs, fire, cancelled: false };
      timers.push(entry);
      return { cancel: () => void (entry.cancelled = true) };
    },
  };
  return {
    clock,
    advance(ms: number) {
      now += ms;
      for (const t of timers.splice(0))
        if (!t.cancelled && t.at <= now) t.fire();
        else if (!t.cancelled) timers.push(t);
    },
    pending: () => timers.filter((t) => !t.cancelled).length,
  };
}

describe('syncedClock', () => {
  it('reads as the server clock, correcting for half the round trip', async () => {
    const local = manualClock(1_000_000);
    // The server is 5 s ahead; the query takes 40 ms of local time.
    const clock = await syncedClock(local.clock, () => {
      local.advance(20);
      const server = local.clock.now() + 5_000;
      local.advance(20);
      return Promise.resolve(server);
    });
    expect(clock.offsetMs()).toBe(5_000);
    expect(clock.now()).toBe(local.clock.now() + 5_000);
    clock.stop();
  });

  it('measures again on its own and keeps the last offset when a measurement fails', async () => {
    const local = manualClock(0);
    const offsets = [1_000, 3_000];
    const errors: unknown[] = [];
    let calls = 0;
    const clock = await syncedClock(
      local.clock,
      () => {
        calls++;
        const next = offsets.shift();
        return next === undefined
          ? Promise.reject(new Error('database down'))
          : Promise.resolve(local.clock.now() + next);
      },
      { resyncMs: 60_000, onError: (e) => errors.push(e) },
    );
    expect(clock.offsetMs()).toBe(1_000);
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    local.advance(60_000);
    await settle();
    expect([calls, clock.offsetMs()]).toEqual([2, 3_000]);
    local.advance(60_000);
    await settle();
    expect([calls, clock.offsetMs(), errors.length]).toEqual([3, 3_000, 1]);
    expect(local.pending()).toBe(1); // it will try again
    clock.stop();
    expect(local.pending()).toBe(0);
  });
});
