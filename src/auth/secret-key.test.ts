import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSecretKey, resolveSecretKey } from './secret-key.ts';

const RAW = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');

describe('parseSecretKey', () => {
  it('reads 32 bytes given as hex, base64 or base64url as the same key', () => {
    const hex = parseSecretKey(RAW.toString('hex'));
    expect(hex?.bytes).toEqual(RAW);
    expect(parseSecretKey(RAW.toString('base64'))).toEqual(hex);
    expect(parseSecretKey(RAW.toString('base64url'))).toEqual(hex);
    expect(hex?.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stretches a passphrase of at least 32 characters, the same way every time', () => {
    const first = parseSecretKey('k'.repeat(32));
    expect(first?.bytes).toHaveLength(32);
    expect(parseSecretKey('k'.repeat(32))).toEqual(first);
    expect(parseSecretKey('k'.repeat(33))?.id).not.toBe(first?.id);
  });

  it('refuses text shorter than 32 characters', () => {
    expect(parseSecretKey('short')).toBeUndefined();
    expect(parseSecretKey(' '.repeat(40))).toBeUndefined();
  });
});

describe('resolveSecretKey', () => {
  const dirs: string[] = [];
  const dir = () => {
    const made = mkdtempSync(join(tmpdir(), 'rota-key-'));
    dirs.push(made);
    return made;
  };
  afterEach(() => {
    for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
  });

  it('uses the configured key and writes no file', () => {
    const dataDir = dir();
    const resolved = resolveSecretKey({
      configured: RAW.toString('hex'),
      dialect: 'postgres',
      dataDir,
    });
    expect(resolved).toEqual({
      key: parseSecretKey(RAW.toString('hex')),
      file: undefined,
      generated: false,
    });
  });

  it('generates a 0600 key file on SQLite once, then reads the same key back', () => {
    const dataDir = dir();
    const first = resolveSecretKey({ configured: undefined, dialect: 'sqlite', dataDir });
    const file = join(dataDir, 'secret.key');
    expect(first.generated).toBe(true);
    expect(first.file).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first.key.bytes);
    const second = resolveSecretKey({ configured: undefined, dialect: 'sqlite', dataDir });
    expect(second).toEqual({ key: first.key, file, generated: false });
  });

  it('requires a configured key on PostgreSQL', () => {
    expect(() =>
      resolveSecretKey({ configured: undefined, dialect: 'postgres', dataDir: dir() }),
    ).toThrow(/required with PostgreSQL/);
  });

  it('refuses a key file that holds no 32-byte key', () => {
    const dataDir = dir();
    writeFileSync(join(dataDir, 'secret.key'), 'a passphrase that is long enough to stretch\n');
    expect(() => resolveSecretKey({ configured: undefined, dialect: 'sqlite', dataDir })).toThrow(
      /must hold 32 bytes/,
    );
  });
});
