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

/**
 * Runs `job` every `intervalMs`, each time after the previous one settled (never two at once),
 * until stopped; a failed run is reported and the next one still comes.
 */
export function repeatEvery(
  clock: Clock,
  intervalMs: number,
  job: () => Promise<void>,
  onError: (error: unknown) => void = () => undefined,
): { stop(): void } {
  let timer: Timer | undefined;
  let stopped = false;
  const arm = () => {
    if (stopped) return;
    timer = clock.timer(intervalMs, () => {
      job().catch(onError).finally(arm);
    });
  };
  arm();
  return {
    stop() {
      stopped = true;
      timer?.cancel();
    },
  };
}
