import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { examplePush, nextPatch } from './next-version.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

it('suggests the next patch version, so the example push changes a reused playground too', () => {
  expect(nextPatch('1.4.2')).toBe('1.4.3');
  expect(nextPatch('1.5.0')).toBe('1.5.1');
  expect(nextPatch('1.4')).toBe('1.4.1');
  expect(nextPatch('2024-01')).toBe('2024-01.1');
});

it('prints the push the getting-started guide shows for a fresh playground', () => {
  const latest = /^version:\s*"?([^"\n]+)"?/m.exec(read('examples/shop/latest/version/shop/cart.yaml'))?.[1];
  expect(latest).toBeDefined();
  expect(read('docs/getting-started.md')).toContain(examplePush('http://127.0.0.1:7400', '<ci token>', nextPatch(latest!)));
});
