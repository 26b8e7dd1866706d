// Local passwords (SPEC section 7): scrypt with a per-user salt, stored as
// `scrypt$N$r$p$salt$hash` (base64url salt and hash) so the cost can grow without breaking old
// hashes, compared with timingSafeEqual. An unknown email is checked against a dummy hash, so a
// wrong email and a wrong password take about the same time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
// 128 N r bytes per hash: room for a stored cost up to N = 2^17 at r = 8.
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { ...COST, maxmem: MAX_MEMORY });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Whether `password` matches `stored`; false for anything that is not one of our hashes. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (match === null) return false;
  const [, n, r, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? '', 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const options = { N: Number(n), r: Number(r), p: Number(p), maxmem: MAX_MEMORY };
  const key = await derive(password, Buffer.from(salt ?? '', 'base64url'), options);
  return timingSafeEqual(key, expected);
}

// Made once per process, at the current cost: what an unknown email's attempt is checked against.
let dummy: Promise<string> | undefined;

/** Spends a verification's time and answers false: for a sign-in whose email is unknown. */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  await verifyPassword(password, await dummy);
  return false;
}

/** A random password for a new user: 24 characters, 144 bits. */
export const generatePassword = (): string => randomBytes(18).toString('base64url');
