// Writes docs/examples/digest.html and digest.txt (npm run docs:digest); a test fails when they
// and what this script renders disagree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { EXAMPLE_FILES, exampleDigest } from './example-digest.ts';

const digest = await exampleDigest();
mkdirSync(new URL('../docs/examples/', import.meta.url), { recursive: true });
writeFileSync(new URL(`../${EXAMPLE_FILES.html}`, import.meta.url), digest.html);
writeFileSync(
  new URL(`../${EXAMPLE_FILES.text}`, import.meta.url),
  `Subject: ${digest.subject}\n\n${digest.text}`,
);
console.log(`wrote ${EXAMPLE_FILES.html} and ${EXAMPLE_FILES.text}`);
