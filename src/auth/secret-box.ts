// Secrets at rest: AES-256-GCM under ROTA_SECRET_KEY. A sealed value names its format version
// and the id of the key that sealed it, and is bound to a context (e.g. the row it belongs to)
// as additional data, so a ciphertext copied into another row does not open there.
//   sealed = "v1.<key id>.<iv>.<ciphertext>.<tag>"   (base64url parts)
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key.ts';
import type { ErrorCode } from '../core/error-codes.ts';

const VERSION = 'v1';
const SEALED = /^v1\.[^.]+\.[\w-]+\.[\w-]*\.[\w-]+$/;

export class SecretKeyMismatch extends Error {
  readonly code = 'secret_key_mismatch' satisfies ErrorCode;
  readonly keyId: string;
  constructor(keyId: string) {
    super(
      `a stored secret was sealed under another ROTA_SECRET_KEY (key id ${keyId}); ` +
        'give every replica the key the database was first started with',
    );
    this.keyId = keyId;
  }
}

export class SecretBox {
  readonly #sealing: SecretKey;
  readonly #byId: ReadonlyMap<string, SecretKey>;

  /** Seals with `current`; opens what `current` or any of `previous` sealed (key rotation). */
  constructor(current: SecretKey, previous: readonly SecretKey[] = []) {
    this.#sealing = current;
    this.#byId = new Map([...previous, current].map((key) => [key.id, key]));
  }

  get keyId(): string {
    return this.#sealing.id;
  }

  /** Whether `value` has the form of a sealed secret (not whether it opens). */
  isSealed(value: string): boolean {
    return SEALED.test(value);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealing.bytes, iv);
    cipher.setAAD(additionalData(this.#sealing.id, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.#sealing.id, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws SecretKeyMismatch for another key's seal, and an Error for a tampered one. */
  open(sealed: string, context: string): string {
    const [version, keyId, iv, ciphertext, tag, ...rest] = sealed.split('.');
    if (version !== VERSION || keyId === undefined || tag === undefined || rest.length > 0)
      throw new Error('not a sealed secret');
    const key = this.#byId.get(keyId);
    if (key === undefined) throw new SecretKeyMismatch(keyId);
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(iv ?? '', 'base64url'));
    decipher.setAAD(additionalData(keyId, context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext ?? '', 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

const additionalData = (keyId: string, context: string) =>
  Buffer.from(`${VERSION}\0${keyId}\0${context}`, 'utf8');
