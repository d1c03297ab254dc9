import { describe, expect, it } from 'vitest';
import { bytesKeptFrom } from '../testing/retained.ts';
import { versionParser } from './file-parsers.ts';

describe('versionParser', () => {
  it('hands out values that keep nothing of the file\'s text, which the parse cache would otherwise keep for every version file', () => {
    const bytes = 4 * 1024 * 1024;
    // A comment makes the file big without adding values.
    const file = () => `version: "1.2.3"\nimage: registry.example.com/shop/checkout:1.2.3-build-4711\n# ${'x'.repeat(bytes)}\n`;
    const { value, kept } = bytesKeptFrom(file, (text) => versionParser('dev', 'shop/checkout')('dev/version/shop/checkout.yaml', text).value);
    expect(value).toEqual({ version: '1.2.3', fields: { version: '1.2.3', image: 'registry.example.com/shop/checkout:1.2.3-build-4711' } });
    expect(kept).toBeLessThan(bytes / 2);
  });
});
