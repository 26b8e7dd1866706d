// The order in which a tick considers its items (SPEC section 3 step 3): never-run items
// first (priority desc, created asc, id asc), then by score = staleness × 2^(priority / 10)
// desc, priority desc, last run asc, id asc, where staleness = hours since the last run ÷
// coverage_window_hours at the tick's fire time.

import { MS_PER_HOUR } from './civil-date.ts';

/** What the order reads of an item. */
export interface OrderableItem {
  readonly id: string;
  /** Integer −100…100; higher is preferred. */
  readonly priority: number;
  readonly lastRunAt: number | null;
  readonly createdAt: number;
}

export const MIN_PRIORITY = -100;
export const MAX_PRIORITY = 100;

// 2^(p/10) for every priority, computed once.
const WEIGHT = Float64Array.from({ length: 201 }, (_, i) => 2 ** ((i + MIN_PRIORITY) / 10));

function checkPriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new RangeError(`priority must be an integer from -100 to 100, not ${priority}`);
  }
}

const rawScore = (lastRunAt: number, priority: number, fireTime: number, windowHours: number) =>
  (Math.max(0, fireTime - lastRunAt) / MS_PER_HOUR / windowHours) *
  WEIGHT[priority - MIN_PRIORITY]!;

/**
 * The score of an item that has run. A last run after the fire time (a manual run during a
 * catch-up) counts as just run rather than negative, so priority cannot invert the order.
 */
export function itemScore(
  lastRunAt: number,
  priority: number,
  fireTime: number,
  coverageWindowHours: number,
): number {
  checkPriority(priority);
  return rawScore(lastRunAt, priority, fireTime, coverageWindowHours);
}

export interface ItemOrder {
  /** Indices into the items, best first. */
  readonly order: Uint32Array;
  /** Score per item index; NaN for never-run items. */
  readonly scores: Float64Array;
}

// Sorting is the cost of a tick with many items, and a comparator makes V8 call back into
// JavaScript about 1.7 million times for 100,000 items. Instead the order is built by stable
// passes from the least significant key up (id, time, priority, score), each one native
// BigUint64Array sort of (32-bit key << 32 | position in the previous pass's order).
const LO = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;
const TWO_32 = 2 ** 32;

/** Reorders `order` by `key[item]`, keeping the current order among equal keys. */
function stablePass(order: Uint32Array, key: Uint32Array, words: Uint32Array): Uint32Array {
  const n = order.length;
  for (let r = 0; r < n; r++) {
    words[2 * r + LO] = r;
    words[2 * r + HI] = key[order[r]!]!;
  }
  new BigUint64Array(words.buffer, words.byteOffset, n).sort();
  const next = new Uint32Array(n);
  for (let r = 0; r < n; r++) next[r] = order[words[2 * r + LO]!]!;
  return next;
}

/** Compares ids by UTF-16 code units, never by locale, so every replica orders alike. */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Indices of `ids` in code-unit order. Ids are first sorted natively by a packed prefix
 * (the code units after their common prefix); only ids that share it are compared as strings.
 */
export function idOrder(
  ids: readonly string[],
  words: Uint32Array = new Uint32Array(2 * ids.length),
): Uint32Array {
  const n = ids.length;
  const first = ids[0] ?? '';
  let common = first.length;
  for (let i = 1; i < n && common > 0; i++) {
    const id = ids[i]!;
    let j = 0;
    while (j < common && id.charCodeAt(j) === first.charCodeAt(j)) j++;
    common = j;
  }
  // Read each id's first code units after the common prefix once; 0 marks the end of an id,
  // so that an id sorts before its extensions.
  const SCAN = 8;
  const units = new Uint16Array(n * SCAN);
  let ended = false;
  let maxUnit = 0;
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const end = Math.min(id.length, common + SCAN);
    if (end < common + SCAN) ended = true;
    for (let j = common; j < end; j++) {
      const unit = id.charCodeAt(j);
      units[i * SCAN + j - common] = unit;
      if (unit > maxUnit) maxUnit = unit;
    }
  }
  // Map each code unit present to a dense code in code-unit order, to pack more per key.
  const code = new Uint32Array(maxUnit + 1);
  for (let i = 0; i < n; i++) {
    const length = Math.min(SCAN, ids[i]!.length - common);
    for (let j = 0; j < length; j++) code[units[i * SCAN + j]!] = 1;
  }
  let symbols = 0;
  const firstCode = ended ? 1 : 0;
  for (let c = 0; c <= maxUnit; c++) if (code[c] === 1) code[c] = firstCode + symbols++;
  const bits = Math.max(1, Math.ceil(Math.log2(symbols + firstCode)));
  const chars = Math.min(SCAN, Math.floor(32 / bits));
  const prefix = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const length = ids[i]!.length - common;
    let key = 0;
    for (let j = 0; j < chars; j++) {
      key = key * 2 ** bits + (j < length ? code[units[i * SCAN + j]!]! : 0);
    }
    prefix[i] = key;
  }
  const identity = new Uint32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const order = stablePass(identity, prefix, words);
  for (let r = 0; r < n;) {
    let end = r + 1;
    while (end < n && prefix[order[end]!] === prefix[order[r]!]) end++;
    if (end - r > 1) order.subarray(r, end).sort((a, b) => compareIds(ids[a]!, ids[b]!));
    r = end;
  }
  return order;
}

/**
 * Sorts the items into the selection order: never-run items first, then score desc,
 * priority desc, time asc (last run, or creation for never-run items), id asc.
 */
export function orderItems(
  items: readonly OrderableItem[],
  fireTime: number,
  coverageWindowHours: number,
): ItemOrder {
  if (!(coverageWindowHours > 0)) throw new RangeError('coverageWindowHours must be positive');
  const n = items.length;
  const scores = new Float64Array(n);
  const scoreWords = new Uint32Array(scores.buffer);
  const ids = new Array<string>(n);
  const relTime = new Float64Array(n);
  let minTime = Infinity;
  for (let i = 0; i < n; i++) {
    const item = items[i]!;
    checkPriority(item.priority);
    ids[i] = item.id;
    // Whole milliseconds suffice for a tie-break and keep the packed keys exact.
    const t = Math.round(item.lastRunAt ?? item.createdAt);
    relTime[i] = t;
    if (t < minTime) minTime = t;
    scores[i] =
      item.lastRunAt === null
        ? NaN
        : rawScore(item.lastRunAt, item.priority, fireTime, coverageWindowHours);
  }
  const timeLow = new Uint32Array(n);
  const priorityTimeHigh = new Uint32Array(n);
  const scoreLow = new Uint32Array(n);
  const groupScoreHigh = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    // Times span less than 2^53 ms: 32 low bits, then 21 high bits under 8 bits of priority.
    const rel = relTime[i]! - minTime;
    const high = Math.floor(rel / TWO_32);
    timeLow[i] = rel - high * TWO_32;
    priorityTimeHigh[i] = (MAX_PRIORITY - items[i]!.priority) * 2 ** 21 + high;
    // A non-negative double's bits grow with its value; complemented, they sort descending.
    if (items[i]!.lastRunAt !== null) {
      scoreLow[i] = 0xffffffff - scoreWords[2 * i + LO]!;
      groupScoreHigh[i] = 1 + (0x7fffffff - scoreWords[2 * i + HI]!);
    }
  }
  const words = new Uint32Array(2 * n);
  let order = idOrder(ids, words);
  for (const key of [timeLow, priorityTimeHigh, scoreLow, groupScoreHigh]) {
    order = stablePass(order, key, words);
  }
  return { order, scores };
}
