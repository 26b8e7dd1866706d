import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { EXAMPLE_FILES, exampleDigest } from '../../scripts/example-digest.ts';

it('docs/examples/digest.html and digest.txt are what npm run docs:digest renders from the fixture tick', async () => {
  const digest = await exampleDigest();
  expect(readFileSync(EXAMPLE_FILES.html, 'utf8')).toBe(digest.html);
  expect(readFileSync(EXAMPLE_FILES.text, 'utf8')).toBe(
    `Subject: ${digest.subject}\n\n${digest.text}`,
  );
});
