import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { configurationMarkdown } from '../../src/config.ts';

it('docs/configuration.md is what npm run docs:config generates from src/config.ts', () => {
  expect(readFileSync('docs/configuration.md', 'utf8')).toBe(configurationMarkdown());
});
