// Writes docs/api-reference.md from the aggregator's OpenAPI document, generated from its route schemas (`npm run docs:api`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument, openApiToMarkdown } from '@cascade/aggregator';

const target = fileURLToPath(new URL('../docs/api-reference.md', import.meta.url));
writeFileSync(target, openApiToMarkdown(openApiDocument()));
console.error(`wrote ${target}`);
