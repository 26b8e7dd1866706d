// The keys Rota signs tokens with: Ed25519 (JWS `EdDSA`, ADR 21), created on first need, kept in
// the database with the private half sealed under ROTA_SECRET_KEY, so every replica signs and
// verifies with the same set. A key's id is its RFC 7638 thumbprint.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Database } from '../storage/database.ts';
import {
  listSigningKeys,
  offerSigningKey,
  type SigningKeyRow,
} from '../storage/signing-key-store.ts';
import type { SecretBox } from './secret-box.ts';

/** The one algorithm Rota signs with and accepts: pinned, never read from a token. */
export const SIGNING_ALGORITHM = 'EdDSA';

/** How often an unknown `kid` may make a replica re-read the keys (another replica rotated). */
const RELOAD_INTERVAL_MS = 30_000;

/** A thumbprint: 43 base64url characters. Anything else is refused before any lookup. */
export const KID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

interface LoadedKey {
  readonly kid: string;
  readonly row: SigningKeyRow;
  readonly publicKey: KeyObject;
}

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
}

export interface SigningKeysOptions {
  readonly database: Database;
  readonly box: SecretBox;
  readonly now: () => number;
}

export class SigningKeys {
  readonly #options: SigningKeysOptions;
  #keys = new Map<string, LoadedKey>();
  #signing: SigningKey | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loading: Promise<void> | undefined;
  #ensuring: Promise<SigningKey> | undefined;

  constructor(options: SigningKeysOptions) {
    this.#options = options;
  }

  /**
   * The key that signs now; created when the database holds none. Throws SecretKeyMismatch when
   * the stored key was sealed under another ROTA_SECRET_KEY: start-up calls this to fail early.
   */
  async signingKey(): Promise<SigningKey> {
    if (this.#signing !== undefined) return this.#signing;
    // Concurrent first requests in this process share one attempt.
    this.#ensuring ??= this.#ensure().finally(() => (this.#ensuring = undefined));
    return this.#ensuring;
  }

  async #ensure(): Promise<SigningKey> {
    await this.#reload();
    if (this.#signing === undefined) {
      // The generation comes from the snapshot that had no active key: replicas racing from
      // the same snapshot offer the same generation, and the unique index keeps one key.
      await this.#offerNewKey(this.#nextGeneration());
      await this.#reload();
    }
    if (this.#signing === undefined) throw new Error('no signing key after creating one');
    return this.#signing;
  }

  /** The public key for `kid`, or undefined for a key this installation never made. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    if (!KID_PATTERN.test(kid)) return undefined;
    const known = this.#keys.get(kid);
    if (known !== undefined) return known.publicKey;
    // A kid minted by another replica after this one loaded; re-read, but not on every forgery.
    if (this.#options.now() - this.#loadedAt < RELOAD_INTERVAL_MS) return undefined;
    await this.#reload();
    return this.#keys.get(kid)?.publicKey;
  }

  /** The JSON Web Key Set served at /.well-known/jwks.json. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.signingKey();
    return {
      keys: [...this.#keys.values()].map(({ row }) => JSON.parse(row.public_jwk) as JWK),
    };
  }

  #reload(): Promise<void> {
    // Concurrent first requests share one read.
    this.#loading ??= this.#read().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #read(): Promise<void> {
    const rows = await listSigningKeys(this.#options.database);
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const jwk = JSON.parse(row.public_jwk) as JWK;
      keys.set(row.kid, {
        kid: row.kid,
        row,
        publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
      });
    }
    const active = rows.find((row) => row.retired_at === null);
    let signing: SigningKey | undefined;
    if (active !== undefined) {
      const privateJwk = this.#options.box.open(active.private_jwk_sealed, sealContext(active.kid));
      signing = {
        kid: active.kid,
        privateKey: createPrivateKey({ key: JSON.parse(privateJwk) as JWK, format: 'jwk' }),
      };
    }
    this.#keys = keys;
    this.#signing = signing;
    this.#loadedAt = this.#options.now();
  }

  #nextGeneration(): number {
    return Math.max(0, ...[...this.#keys.values()].map((k) => k.row.generation)) + 1;
  }

  async #offerNewKey(generation: number): Promise<void> {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    await offerSigningKey(this.#options.database, {
      kid,
      generation,
      alg: SIGNING_ALGORITHM,
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' }),
      private_jwk_sealed: this.#options.box.seal(
        JSON.stringify(privateKey.export({ format: 'jwk' })),
        sealContext(kid),
      ),
      created_at: this.#options.now(),
      retired_at: null,
    });
  }
}

const sealContext = (kid: string) => `signing_keys:${kid}`;
