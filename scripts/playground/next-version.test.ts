import { expect, it } from 'vitest';
import { nextPatch } from './next-version.ts';

it('suggests the next patch version, so the example push changes a reused playground too', () => {
  expect(nextPatch('1.4.2')).toBe('1.4.3');
  expect(nextPatch('1.5.0')).toBe('1.5.1');
  expect(nextPatch('1.4')).toBe('1.4.1');
  expect(nextPatch('2024-01')).toBe('2024-01.1');
});
