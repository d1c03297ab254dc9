import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';
import { openApiToMarkdown, permissionOf } from './openapi-markdown.ts';

describe('the API reference in docs/', () => {
  it('is what the OpenAPI document generates (run npm run docs:api after changing the API)', () => {
    const committed = readFileSync(fileURLToPath(new URL('../../../docs/api-reference.md', import.meta.url)), 'utf8');
    expect(committed).toBe(openApiToMarkdown(openApiDocument()));
  });

  it('lists every route with its permission', () => {
    const doc = openApiDocument();
    const markdown = openApiToMarkdown(doc);
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const method of ['get', 'post', 'patch', 'delete'] as const) {
        const op = item[method];
        if (op) expect(markdown).toContain(`| ${method.toUpperCase()} | \`${path}\` | ${permissionOf(op)} |`);
      }
    }
  });
});
