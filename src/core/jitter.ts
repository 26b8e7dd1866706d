// The stable dispatch delay of one tick (SPEC section 2, `jitter_seconds`). It is a pure
// function of the schedule id and the fire time, so every replica computes the same delay
// without coordinating; fire times themselves stay nominal.

/**
 * cyrb53 (bryc, public domain): a fast 53-bit string hash with good avalanche. Changing it
 * moves every jittered dispatch, so it is part of the observable behaviour.
 */
export function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const TWO_POW_53 = 2 ** 53;

/**
 * Milliseconds to wait after `fireTimeMs` before dispatching the tick: uniform in
 * [0, jitterSeconds × 1000) and strictly below the gap to the next fire time when there is one.
 * The range is shrunk to the gap rather than the value capped at it, so a long jitter on a
 * dense cadence stays uniform instead of piling every tick up just before the next one.
 */
export function jitterDelayMs(
  scheduleId: string,
  fireTimeMs: number,
  jitterSeconds: number,
  nextFireTimeMs: number | undefined,
): number {
  let range = Math.floor(jitterSeconds * 1000);
  if (nextFireTimeMs !== undefined) range = Math.min(range, nextFireTimeMs - fireTimeMs);
  if (!(range > 0)) return 0;
  const unit = cyrb53(`${scheduleId}\n${fireTimeMs}`) / TWO_POW_53;
  return Math.floor(unit * range);
}
