// Lint enforces the import table of docs/architecture.md, so the layering is checked, not remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { builtinRules } from 'eslint/use-at-your-own-risk';

const layer = (name, allowed) => ({
  target: `./src/${name}`,
  from: './src',
  except: [`./${name}`, ...allowed.map((a) => `./${a}`)],
  message: `src/${name} may import only ${[name, ...allowed].join(', ')} (docs/architecture.md).`,
});

/** The clock and timers are read only through a Clock adapter (ARCHITECTURE.md habit 1). */
const noClockOrTimers = (where, adapter, otherGlobals = []) => ({
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: `${where} arms no timers: ${adapter}.` },
    { name: 'setInterval', message: `${where} arms no timers: ${adapter}.` },
    ...otherGlobals,
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: `${where} never reads the clock: ${adapter}.` },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: `${where} never reads the clock: ${adapter}.`,
    },
  ],
});

// The house's own rules. `long-file` is ESLint's max-lines under a second name, so one file can
// be warned about at 300 lines and fail at 400 (habit 8).

const house = { rules: { 'long-file': builtinRules.get('max-lines') } };
const lineLimit = { skipBlankLines: false, skipComments: false };

export default tseslint.config(
  { ignores: ['node_modules/**', 'coverage/**', 'data/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX, house },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            layer('core', []),
            layer('contract', ['core']),
            layer('storage', ['core']),
            // The engine, the worker and the mail declare the ports they call; the serve layer hands
            // storage in (ADR 34).
            layer('engine', ['core']),
            layer('worker', ['core']),
            layer('mail', ['core']),
            layer('auth', ['core', 'storage']),
            layer('http', ['core', 'contract']),
            // The CLI reaches the server only through its entry points (ADR 9).
            layer('cli', ['core', 'contract', 'config.ts', 'main.ts']),
            // `rota demo` sets its project up through the stores and services, like any client.
            layer('demo', ['core', 'storage', 'auth']),
            // The web UI talks to the API only, through the contract's types.
            {
              target: './web',
              from: './src',
              except: ['./contract'],
              message: 'web/ may import only src/contract (docs/architecture.md).',
            },
          ],
        },
      ],
    },
  },
  {
    // The pure core: no Node built-ins, no drivers, no clock. Only the wrapped pure libraries.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts', 'src/core/**/*.test-helpers.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\.{1,2}/|temporal-polyfill$)',
              message:
                'src/core imports only core files and temporal-polyfill (docs/architecture.md).',
            },
          ],
        },
      ],
      ...noClockOrTimers('The core', 'take `now` as an argument', [
        { name: 'fetch', message: 'The core does no I/O.' },
        { name: 'process', message: 'The core does not read the environment.' },
      ]),
    },
  },
  {
    // The engine reads time and arms timers only through its Clock (engine/clock.ts).
    files: ['src/engine/**/*.ts'],
    ignores: ['src/engine/clock.ts', 'src/engine/**/*.test.ts'],
    rules: noClockOrTimers('The engine', 'use the Clock it is given (engine/clock.ts)'),
  },
  {
    // Only src/storage writes SQL or talks to a driver (habit 3); everything else uses its ports.
    // (The core's own import rule above already refuses every package but its pure ones.)
    files: ['src/**/*.ts'],
    ignores: [
      'src/storage/**',
      'src/core/**',
      'src/main.ts',
      '**/*.test.ts',
      '**/*.test-helpers.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kysely', 'pg', 'better-sqlite3'].map((name) => ({
            name,
            message: 'Only src/storage talks to the database: go through a port it implements.',
          })),
        },
      ],
    },
  },
  {
    // Files stay small (habit 8): a warning from 300 lines, a failure from 400. Tests are lists
    // of cases and are not counted.
    files: ['src/**/*.ts', 'web/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', '**/*.test-helpers.ts'],
    rules: {
      'house/long-file': ['warn', { max: 300, ...lineLimit }],
      'max-lines': ['error', { max: 400, ...lineLimit }],
    },
  },
  {
    // Tests read parsed JSON output all the time; an `any` there is what is being asserted on.
    files: ['**/*.test.ts', '**/*.test-helpers.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
