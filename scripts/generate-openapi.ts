// Writes docs/openapi.json from the API's zod schemas (the same document /api/openapi.json serves).
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '../src/http/openapi-document.ts';

writeFileSync(new URL('../docs/openapi.json', import.meta.url), await openApiDocument());
console.log('wrote docs/openapi.json');
