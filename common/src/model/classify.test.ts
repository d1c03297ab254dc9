import { describe, expect, it } from 'vitest';
import { bytesKeptBy } from '../testing/retained.ts';
import { classifyPath } from './classify.ts';

/** `count` paths of resources below 1,000 environments, flat strings of their own (what a tree read hands out). */
function resourcePaths(count: number, tag: string): string[] {
  const paths = Array.from({ length: count }, (_, i) => `env-${tag}-${i % 1000}/${i % 2 === 0 ? 'base' : 'version'}/svc-${Math.floor(i / 1000) % 25}.yaml`);
  return JSON.parse(JSON.stringify(paths)) as string[];
}

describe('classifyPath', () => {
  it('keeps nothing per path it classified: only the names and each first segment\'s checks', () => {
    // Once first, so what classifying sets up once (code, its tables' first entries) is not counted.
    for (const path of resourcePaths(50_000, 'warm')) classifyPath(path);
    const paths = resourcePaths(50_000, 'measured');
    const { value, kept } = bytesKeptBy(() => paths.filter((path) => classifyPath(path).kind === 'resource').length);
    expect(value).toBe(paths.length);
    // 1,000 environment names with their checks; 50,000 paths remembered weigh over 2 MB.
    expect(kept).toBeLessThan(1_000_000);
  });
});
