// The git fixture and working directory a CLI test runs `cascade` in: made per test, removed after it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { afterEach } from 'vitest';

/** A seeded resource repo and a temp directory holding the cascade.yaml that points at it. */
export interface CliWorkspace {
  readonly fixture: GitFixture;
  readonly dir: string;
}

/** Registers the cleanup and returns a maker: one commit `one` of `files`, and a temp dir whose cascade.yaml `config` writes. */
export function useCliWorkspace(prefix: string): (files: Record<string, string>, config: (fixture: GitFixture) => string) => Promise<CliWorkspace> {
  const made: CliWorkspace[] = [];
  afterEach(async () => {
    for (const { fixture, dir } of made.splice(0)) {
      await fixture.cleanup();
      await rm(dir, { recursive: true, force: true });
    }
  });
  return async (files, config) => {
    const fixture = await createFixture({ commits: [{ name: 'one', files }] });
    const dir = await mkdtemp(join(tmpdir(), prefix));
    made.push({ fixture, dir });
    await writeFile(join(dir, 'cascade.yaml'), config(fixture));
    return { fixture, dir };
  };
}
