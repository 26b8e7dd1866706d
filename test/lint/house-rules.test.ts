// The lint rules that keep the house (ARCHITECTURE.md): each one, shown failing on a planted
// violation and passing on the same file without it. The project's own eslint.config.js is used;
// only the type-aware rules are off for the planted text, which never touches the disk.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let eslint: ESLint;
// import-x applies a zone only to a folder that exists; web/ arrives with the UI.
const madeWeb = !existsSync('web');
afterAll(() => {
  if (madeWeb) rmSync('web', { recursive: true, force: true });
});
beforeAll(() => {
  if (madeWeb) mkdirSync('web');
  eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], ...tseslint.configs.disableTypeChecked }],
  });
});

/** The rule ids (with severity) a planted file at `path` is reported for. */
async function problems(path: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path });
  const messages: Linter.LintMessage[] = result?.messages ?? [];
  const fatal = messages.find((m) => m.fatal === true);
  if (fatal !== undefined) throw new Error(`${path}: ${fatal.message}`);
  return messages.map((m) => `${m.severity === 2 ? 'error' : 'warn'} ${m.ruleId ?? '?'}`);
}

const lines = (count: number) =>
  Array.from({ length: count }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';

describe('the house lint rules', () => {
  it('refuse kysely, SQL and database drivers outside src/storage', async () => {
    const sql = "import { sql } from 'kysely';\nexport const q = sql`select 1`;\n";
    expect(await problems('src/worker/planted.ts', sql)).toContain('error no-restricted-imports');
    expect(await problems('src/engine/planted.ts', sql)).toContain('error no-restricted-imports');
    expect(
      await problems(
        'src/mail/planted.ts',
        "import type { Kysely } from 'kysely';\nexport type K = Kysely<object>;\n",
      ),
    ).toContain('error no-restricted-imports');
    expect(
      await problems('src/http/planted.ts', "import pg from 'pg';\nexport const p = pg;\n"),
    ).toContain('error no-restricted-imports');
    expect(await problems('src/storage/planted.ts', sql)).toEqual([]);
  });

  it('refuse the clock and timers in the core and the engine, but for the engine’s clock', async () => {
    const reads = [
      'export const a = Date.now();',
      'export const b = new Date();',
      'setTimeout(() => undefined, 1);',
      'setInterval(() => undefined, 1);',
    ];
    for (const path of ['src/core/planted.ts', 'src/engine/planted.ts']) {
      expect(await problems(path, `${reads[0]}\n`)).toEqual(['error no-restricted-properties']);
      expect(await problems(path, `${reads[1]}\n`)).toEqual(['error no-restricted-syntax']);
      expect(await problems(path, `${reads[2]}\n`)).toEqual(['error no-restricted-globals']);
      expect(await problems(path, `${reads[3]}\n`)).toEqual(['error no-restricted-globals']);
      // A date from an argument is no clock read.
      expect(await problems(path, 'export const c = (at: number) => new Date(at);\n')).toEqual([]);
    }
    expect(await problems('src/engine/clock.ts', `${reads.join('\n')}\n`)).toEqual([]);
    expect(await problems('src/worker/planted.ts', `${reads.join('\n')}\n`)).toEqual([]);
  });

  it('warn from 300 lines and fail from 400, in source but not in tests', async () => {
    expect(await problems('src/worker/planted.ts', lines(300))).toEqual([]);
    expect(await problems('src/worker/planted.ts', lines(301))).toEqual(['warn house/long-file']);
    expect(await problems('src/worker/planted.ts', lines(401))).toEqual([
      'warn house/long-file',
      'error max-lines',
    ]);
    expect(await problems('web/src/planted.tsx', lines(401))).toContain('error max-lines');
    expect(await problems('src/worker/planted.test.ts', lines(401))).toEqual([]);
  });

  it('keep the engine, the worker and the mail to the core: storage reaches them through their ports', async () => {
    const intoStorage =
      "import type { Database } from '../storage/database.ts';\nexport type D = Database;\n";
    for (const path of ['src/engine/planted.ts', 'src/worker/planted.ts', 'src/mail/planted.ts'])
      expect(await problems(path, intoStorage), path).toEqual([
        'error import-x/no-restricted-paths',
      ]);
    const intoCore =
      "import type { Cadence } from '../core/cadence.ts';\nexport type C = Cadence;\n";
    expect(await problems('src/engine/planted.ts', intoCore)).toEqual([]);
    expect(await problems('src/worker/planted.ts', intoCore)).toEqual([]);
  });

  it('keep demo/ to the stores and services, and web/ to the contract', async () => {
    const intoHttp = "import { buildApp } from '../http/app.ts';\nexport const b = buildApp;\n";
    expect(await problems('src/demo/planted.ts', intoHttp)).toEqual([
      'error import-x/no-restricted-paths',
    ]);
    expect(
      await problems(
        'src/demo/planted.ts',
        "import { uuidv7 } from '../storage/new-id.ts';\nexport const u = uuidv7;\n",
      ),
    ).toEqual([]);
    const fromWeb = (path: string) => `import * as m from '${path}';\nexport const x = m;\n`;
    expect(await problems('web/planted.ts', fromWeb('../src/storage/database.ts'))).toEqual([
      'error import-x/no-restricted-paths',
    ]);
    expect(await problems('web/planted.ts', fromWeb('../src/contract/projects.ts'))).toEqual([]);
  });
});
