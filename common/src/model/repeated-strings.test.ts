// The names and values a commit repeats in many paths and files are held once by what parses them, not once each.
import { describe, expect, it } from 'vitest';
import { bytesKeptBy } from '../testing/retained.ts';
import { classifyPath } from './classify.ts';
import { readParsed, versionParser } from './file-parsers.ts';
import type { RepoFile } from '../repo/files.ts';
import { runSteps } from './steps.ts';

const COUNT = 10_000;

/** A name or value of about 60 characters, the `i`th of its kind; `tag` makes a set of its own. */
const long = (tag: string, i: number) => `a-name-long-enough-to-weigh-on-the-heap-${tag}-${String(i).padStart(6, '0')}`;

/** The heap `make` keeps (with what it returns), after full collections. */
function kept(make: () => unknown): number {
  const { value, kept } = bytesKeptBy(make);
  expect(value).toBeDefined();
  return kept;
}

/** A version file at `path` holding `text`. */
function versionFile(path: string, text: string, i: number): RepoFile {
  return { path, kind: 'file', oid: i.toString(16).padStart(40, '0'), size: text.length, content: new TextEncoder().encode(text) };
}

describe('strings a commit repeats', () => {
  it('are one resource name for its base and its version file, as the paths are classified', () => {
    // Base and version files of the same resources, against those of resources whose names all differ; once first,
    // so what classifying sets up once is not counted in either.
    kept(() => Array.from({ length: COUNT }, (_, i) => classifyPath(`dev/base/${long('warm', i)}.yaml`)));
    const same = kept(() => Array.from({ length: COUNT }, (_, i) => [classifyPath(`dev/base/${long('same', i)}.yaml`), classifyPath(`dev/version/${long('same', i)}.yaml`)]));
    const apart = kept(() => Array.from({ length: COUNT }, (_, i) => [classifyPath(`dev/base/${long('base', i)}.yaml`), classifyPath(`dev/version/${long('version', i)}.yaml`)]));
    // 10,000 names of their own weigh some 800 KB.
    expect(apart - same).toBeGreaterThan(COUNT * 60);
  });

  it('are one version value for every version file that holds it', () => {
    const parse = (text: (i: number) => string) => () => {
      const cache = new Map<string, unknown>();
      return Array.from({ length: COUNT }, (_, i) => runSteps(readParsed(versionFile(`dev/version/r${i}.yaml`, text(i), i), cache, [], versionParser('dev', `r${i}`))));
    };
    // Once first, so what a first parse sets up once (code, tables) is not counted in either.
    kept(parse((i) => `version: ${long('warm', i)}\n`));
    const same = kept(parse(() => `version: ${long('v', 1)}\n`));
    const apart = kept(parse((i) => `version: ${long('v', i)}\n`));
    expect(apart - same).toBeGreaterThan(COUNT * 60);
  });
});
