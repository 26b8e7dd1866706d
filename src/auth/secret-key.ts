// ROTA_SECRET_KEY: the 256-bit key that seals secrets and signing keys at rest (SPEC section 7).
// Accepted forms: 32 random bytes as 64 hex digits or as base64 (`openssl rand -base64 32`), or
// any other text of at least 32 characters, stretched with HKDF-SHA256 (a passphrase: weaker).
// On SQLite with no key configured, one is generated into <data dir>/secret.key (mode 0600).
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../core/error-codes.ts';

export interface SecretKey {
  /** Names the key in what it sealed, so a wrong or rotated key is recognised, never guessed. */
  readonly id: string;
  readonly bytes: Buffer;
}

export const SECRET_KEY_FILE = 'secret.key';

const HEX_KEY = /^[0-9a-f]{64}$/i;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/** Reads a configured key in any accepted form; undefined for text shorter than 32 characters. */
export function parseSecretKey(text: string): SecretKey | undefined {
  const value = text.trim();
  if (HEX_KEY.test(value)) return secretKey(Buffer.from(value, 'hex'));
  if (BASE64_KEY.test(value)) {
    const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return secretKey(bytes);
  }
  if (value.length < 32) return undefined;
  // A fixed salt: every replica given the same passphrase must derive the same key.
  const derived = hkdfSync('sha256', Buffer.from(value, 'utf8'), 'rota', 'rota secret key v1', 32);
  return secretKey(Buffer.from(derived));
}

function secretKey(bytes: Buffer): SecretKey {
  const digest = createHash('sha256').update('rota secret key id\0').update(bytes).digest('hex');
  return { id: digest.slice(0, 16), bytes };
}

export interface ResolvedSecretKey {
  readonly key: SecretKey;
  /** The file the key was read from or generated into; undefined when it was configured. */
  readonly file: string | undefined;
  /** True when this call generated the key file: the caller warns, and says where it is. */
  readonly generated: boolean;
}

export class SecretKeyMissing extends Error {
  readonly code = 'secret_key_missing' satisfies ErrorCode;
}

/**
 * The configured key, or on SQLite the data directory's key file, created when missing. Racing
 * processes each write a temporary file and link it into place; the first link wins, the rest
 * read the winner's, so a half-written key is never read.
 */
export function resolveSecretKey(options: {
  readonly configured: string | undefined;
  /** Several replicas share the database (PostgreSQL): a key file on one host would not do. */
  readonly sharedByReplicas: boolean;
  readonly dataDir: string;
}): ResolvedSecretKey {
  if (options.configured !== undefined) {
    const key = parseSecretKey(options.configured);
    if (key === undefined)
      throw new SecretKeyMissing('ROTA_SECRET_KEY must be at least 32 characters.');
    return { key, file: undefined, generated: false };
  }
  if (options.sharedByReplicas) {
    throw new SecretKeyMissing(
      'ROTA_SECRET_KEY is required with PostgreSQL: every replica must share it.',
    );
  }
  const file = join(options.dataDir, SECRET_KEY_FILE);
  const existing = readKeyFile(file);
  if (existing !== undefined) return { key: existing, file, generated: false };
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let generated = true;
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    generated = false;
  } finally {
    unlinkSync(temporary);
  }
  const key = readKeyFile(file);
  if (key === undefined) throw new SecretKeyMissing(`${file} does not hold a 32-byte key.`);
  return { key, file, generated };
}

function readKeyFile(file: string): SecretKey | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = parseSecretKey(text);
  // A hand-edited file must still be a real key, not a short passphrase.
  if (key === undefined || !(HEX_KEY.test(text.trim()) || BASE64_KEY.test(text.trim())))
    throw new SecretKeyMissing(`${file} must hold 32 bytes as base64 or 64 hex digits.`);
  return key;
}
