// How long an `Idempotency-Key` means something (ADR 15): its answer replays for a day, and a
// request that took the key and then vanished (its process died) holds it for a minute at most.
import { MS_PER_DAY } from './civil-date.ts';

/** After this, a key is neither replayed nor kept: the scheduler's pruning deletes it. */
export const IDEMPOTENCY_KEY_LIFETIME_MS = MS_PER_DAY;

/**
 * A key taken by a request that has not answered yet may be taken over after this: longer than
 * any create or trigger takes, short enough that a crash does not block a client's retries long.
 */
export const IDEMPOTENCY_CLAIM_TTL_MS = 60_000;

/** The status stored while the request that took the key still runs (no HTTP status is 0). */
export const IDEMPOTENCY_IN_PROGRESS = 0;
