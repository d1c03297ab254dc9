import { describe, expect, it } from 'vitest';
import { parseSnapshot } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import { validateSnapshot } from './validate.ts';
import { repoFilesFromText, type RepoFile } from '../repo/files.ts';

const configMap = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { v: $version }\n`;

/** A file map that throws when one path is read, standing in for any bug met while handling one resource. */
class ThrowingFiles extends Map<string, RepoFile> {
  constructor(entries: Map<string, RepoFile>, private readonly broken: string) {
    super(entries);
  }

  override get(path: string): RepoFile | undefined {
    if (path === this.broken) throw new Error('boom');
    return super.get(path);
  }
}

/** A snapshot of two resources where reading one of them throws. */
function snapshotWithBrokenRead() {
  const repo = repoFilesFromText('c', { 'dev/base/a.yaml': configMap('a'), 'dev/version/a.yaml': 'version: "1"\n', 'dev/deployable/b.yaml': configMap('b') });
  const snapshot = parseSnapshot(repo);
  return { ...snapshot, files: { commit: 'c', files: new ThrowingFiles(repo.files, 'dev/base/a.yaml') } };
}

describe('an unexpected error while handling one resource', () => {
  it('stays with that resource when rendering', () => {
    const rendered = renderEnvironment(snapshotWithBrokenRead(), 'dev');
    expect(rendered.find((r) => r.name === 'a')).toMatchObject({ ok: false, problems: [expect.objectContaining({ code: 'internal-error', file: 'dev/base/a.yaml', env: 'dev', resource: 'a' })] });
    expect(rendered.find((r) => r.name === 'b')).toMatchObject({ ok: true });
  });

  it('stays with that resource when validating', () => {
    const problems = validateSnapshot(snapshotWithBrokenRead());
    expect(problems).toEqual([expect.objectContaining({ code: 'internal-error', file: 'dev/base/a.yaml', severity: 'error' })]);
    expect(problems[0]?.message).toContain('boom');
  });
});
