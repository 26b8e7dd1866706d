// Lint enforces the import table of docs/architecture.md, so the layering is checked, not remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const layer = (name, allowed) => ({
  target: `./src/${name}`,
  from: './src',
  except: [`./${name}`, ...allowed.map((a) => `./${a}`)],
  message: `src/${name} may import only ${[name, ...allowed].join(', ')} (docs/architecture.md).`,
});

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
    plugins: { 'import-x': importX },
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
            layer('engine', ['core', 'storage']),
            layer('worker', ['core', 'storage']),
            layer('mail', ['core', 'storage']),
            layer('auth', ['core', 'storage']),
            layer('http', ['core', 'contract']),
            // The CLI reaches the server only through its entry points (ADR 9).
            layer('cli', ['core', 'contract', 'config.ts', 'main.ts']),
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
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'The core has no timers.' },
        { name: 'setInterval', message: 'The core has no timers.' },
        { name: 'fetch', message: 'The core does no I/O.' },
        { name: 'process', message: 'The core does not read the environment.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'The core never reads the clock: take `now` as an argument.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The core never reads the clock: take `now` as an argument.',
        },
      ],
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
