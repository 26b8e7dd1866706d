// Proof Key for Code Exchange (RFC 7636), S256 only, and the random values of the Authorize
// flow. A verifier is 43–128 unreserved characters; the challenge is base64url(SHA-256(verifier)).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

export const newVerifier = (): string => randomBytes(32).toString('base64url');

export const s256Challenge = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url');

export const isChallenge = (value: string): boolean => CHALLENGE.test(value);

/** Whether `verifier` is well-formed and hashes to `challenge` (compared in constant time). */
export function verifierMatches(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier) || !isChallenge(challenge)) return false;
  const expected = Buffer.from(challenge, 'ascii');
  const actual = Buffer.from(s256Challenge(verifier), 'ascii');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A random single-use value (a state, a code, a refresh token's secret part). */
export const randomValue = (prefix: string): string =>
  `${prefix}${randomBytes(32).toString('base64url')}`;
