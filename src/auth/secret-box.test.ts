import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretKeyMismatch } from './secret-box.ts';
import { parseSecretKey, type SecretKey } from './secret-key.ts';

const key = (): SecretKey => parseSecretKey(randomBytes(32).toString('hex'))!;

describe('SecretBox', () => {
  it('opens what it sealed, and never seals the same text to the same string twice', () => {
    const box = new SecretBox(key());
    const a = box.seal('the private key', 'signing_keys:k1');
    const b = box.seal('the private key', 'signing_keys:k1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('private');
    expect(a.split('.').slice(0, 2)).toEqual(['v1', box.keyId]);
    expect(box.open(a, 'signing_keys:k1')).toBe('the private key');
  });

  it('refuses to open a seal moved to another context', () => {
    const box = new SecretBox(key());
    const sealed = box.seal('secret', 'signing_keys:k1');
    expect(() => box.open(sealed, 'signing_keys:k2')).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const box = new SecretBox(key());
    const parts = box.seal('secret', 'c').split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[3] = ciphertext.toString('base64url');
    expect(() => box.open(parts.join('.'), 'c')).toThrow();
  });

  it('names the key id when a seal comes from another key, and opens it once that key is a previous one', () => {
    const old = key();
    const sealed = new SecretBox(old).seal('secret', 'c');
    const rotated = new SecretBox(key());
    expect(() => rotated.open(sealed, 'c')).toThrow(SecretKeyMismatch);
    expect(() => rotated.open(sealed, 'c')).toThrow(old.id);
    expect(new SecretBox(key(), [old]).open(sealed, 'c')).toBe('secret');
  });
});
