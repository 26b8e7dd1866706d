// Writes docs/configuration.md from the settings table in src/config.ts.
import { writeFileSync } from 'node:fs';
import { configurationMarkdown } from '../src/config.ts';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), configurationMarkdown());
console.log('wrote docs/configuration.md');
