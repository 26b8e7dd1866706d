// Row ids: UUIDv7 (RFC 9562), time-ordered so new rows land at the end of every index, with 74
// random bits so ids made by several replicas in the same millisecond do not collide.
import { randomBytes } from 'node:crypto';

export function uuidv7(now: number): string {
  const bytes = randomBytes(16);
  let ms = Math.max(0, Math.trunc(now));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
