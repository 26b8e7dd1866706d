// The one clock seam outside the core: the engine reads time and sets timers only through this,
// so tests drive it by hand and no timer is real.
export interface Timer {
  cancel(): void;
}

export interface Clock {
  now(): number;
  /** Calls `fire` once after `delayMs`. */
  timer(delayMs: number, fire: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  timer(delayMs, fire) {
    const handle = setTimeout(fire, delayMs);
    handle.unref?.();
    return { cancel: () => clearTimeout(handle) };
  },
};
