import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';
import { openApiToMarkdown } from './openapi-markdown.ts';

describe('the API reference in docs/', () => {
  it('is what the OpenAPI document generates (run npm run docs:api after changing the API)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../docs/api-reference.md', import.meta.url)), 'utf8');
    expect(committed).toBe(openApiToMarkdown(openApiDocument));
  });

  it('lists every route with its permission', () => {
    const markdown = openApiToMarkdown(openApiDocument);
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      for (const [method, op] of Object.entries(item)) expect(markdown).toContain(`| ${method.toUpperCase()} | \`${path}\` | ${op['x-cascade-permission']} |`);
    }
  });
});
