// A machine client's credentials: a public random id and a 256-bit random secret, shown once.
// Only the secret's SHA-256 is stored: a slow hash protects guessable passwords, and a 256-bit
// random secret cannot be guessed, so a KDF would only make the token endpoint a CPU sink.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefixes let secret scanners and people tell the two apart. */
const CLIENT_ID_PREFIX = 'rc_';
const SECRET_PREFIX = 'rs_';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function newClientCredentials(): ClientCredentials {
  return {
    clientId: `${CLIENT_ID_PREFIX}${randomBytes(16).toString('base64url')}`,
    clientSecret: `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`,
  };
}

export const secretDigest = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** Compares in constant time; a missing client is compared against a dummy digest. */
export function secretMatches(secret: string, digest: string | undefined): boolean {
  const expected = Buffer.from(digest ?? DUMMY_DIGEST, 'hex');
  const actual = Buffer.from(secretDigest(secret), 'hex');
  return (
    expected.length === actual.length && timingSafeEqual(expected, actual) && digest !== undefined
  );
}

const DUMMY_DIGEST = secretDigest('no client has this secret');
