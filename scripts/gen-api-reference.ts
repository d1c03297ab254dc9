// Writes docs/api-reference.md from the aggregator's OpenAPI document (`npm run docs:api`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../aggregator/src/api/openapi.ts';
import { openApiToMarkdown } from '../aggregator/src/api/openapi-markdown.ts';

const target = fileURLToPath(new URL('../docs/api-reference.md', import.meta.url));
writeFileSync(target, openApiToMarkdown(openApiDocument));
console.error(`wrote ${target}`);
