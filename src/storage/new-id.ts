// Row ids: UUIDv7 (RFC 9562), time-ordered so new rows land at the end of every index, with 74
// random bits so ids made by several replicas in the same millisecond do not collide. Random
// bytes come from a pool refilled 256 ids at a time: a tick batch makes thousands of ids, and one
// call into the system's random source per id cost more than the rest of the id.
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(16 * 256);
let offset = POOL.length;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidv7(now: number): string {
  if (offset === POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const bytes = POOL.subarray(offset, offset + 16);
  offset += 16;
  let ms = Math.max(0, Math.trunc(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  let hex = '';
  for (let i = 0; i < 16; i++) {
    hex += HEX[bytes[i] as number];
    if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
  }
  return hex;
}

let lastMs = -1;
let sequence = 0;

/**
 * A UUIDv7 that sorts after every earlier one this process made, even within one millisecond
 * (RFC 9562 6.2 method 1: the 12 bits after the version count up within the millisecond), for
 * rows whose order is their meaning: the audit log.
 */
export function sequentialUuidv7(now: number): string {
  let ms = Math.max(Math.trunc(now), lastMs);
  if (ms === lastMs) sequence += 1;
  else sequence = 0;
  if (sequence > 0xfff) {
    ms += 1;
    sequence = 0;
  }
  lastMs = ms;
  const id = uuidv7(ms);
  return `${id.slice(0, 14)}7${sequence.toString(16).padStart(3, '0')}${id.slice(18)}`;
}
