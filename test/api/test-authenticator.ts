// A small, real authenticator for the API tests: HMAC-SHA256-signed test tokens made with
// node:crypto. main.ts wires the jose-based verifier from src/auth instead; both fit the same port.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BearerVerifier, Principal } from '../../src/http/principal.ts';

export interface TestTokens {
  readonly authenticate: BearerVerifier;
  sign(principal: Principal): string;
}

export function testTokens(): TestTokens {
  const key = randomBytes(32);
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    sign(principal) {
      const payload = Buffer.from(JSON.stringify(principal)).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    authenticate(header) {
      // The same challenges as src/auth's verifier (RFC 6750 section 3).
      if (header === undefined || header === '') return Promise.resolve('Bearer');
      const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(header);
      if (match === null) return Promise.resolve(challenge('invalid_request', 'not a test token'));
      const [, payload = '', signature = ''] = match;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return Promise.resolve(challenge('invalid_token', 'the signature does not verify'));
      return Promise.resolve(
        JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Principal,
      );
    },
  };
}

const challenge = (error: string, description: string): string =>
  `Bearer error="${error}", error_description="${description}"`;
