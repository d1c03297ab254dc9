// Turns a checked fixture spec into a fast-import stream: deterministic times and authors, so the same YAML gives the same commit ids.
import { FixtureSpecError, toEntry, type FixtureSpec } from './spec.ts';

/** Ref fast-import builds on; removed once the named refs exist. */
export const BUILD_REF = 'refs/fixture-build';

const FIRST_COMMIT_TIME = 1_700_000_000;
const DEFAULT_AUTHOR = { name: 'Fixture Author', email: 'author@fixture.test' };

/** The fast-import stream for every commit of the spec; commit number i (from 1) gets mark :i. */
export function fastImportStream(spec: FixtureSpec): Buffer {
  const parts: Buffer[] = [];
  const text = (value: string) => parts.push(Buffer.from(value, 'utf8'));
  const data = (bytes: Buffer) => {
    text(`data ${bytes.length}\n`);
    parts.push(bytes);
    text('\n');
  };
  const marks = new Map<string, number>();
  const pathsAfter = new Map<string, Set<string>>();
  spec.commits.forEach((commit, index) => {
    const mark = index + 1;
    const parentName = commit.parent === undefined ? spec.commits[index - 1]?.name : commit.parent;
    const paths = new Set(parentName ? pathsAfter.get(parentName) : []);
    const author = commit.author ?? DEFAULT_AUTHOR;
    const time = FIRST_COMMIT_TIME + index * 60;
    if (!parentName) text(`reset ${BUILD_REF}\n`);
    text(`commit ${BUILD_REF}\nmark :${mark}\n`);
    text(`author ${author.name} <${author.email}> ${time} +0000\ncommitter Fixture <fixture@fixture.test> ${time} +0000\n`);
    data(Buffer.from(`${(commit.message ?? commit.name).replace(/\s+$/, '')}\n`, 'utf8'));
    if (parentName) text(`from :${marks.get(parentName)}\n`);
    for (const [path, value] of Object.entries(commit.files ?? {})) {
      const entry = toEntry(commit.name, path, value);
      const quoted = `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
      if (entry === null) {
        if (!paths.delete(path)) throw new FixtureSpecError({ commit: commit.name, field: `files.${path}`, reason: 'deletes a file its parent does not have' });
        text(`D ${quoted}\n`);
      } else {
        paths.add(path);
        text(`M ${entry.mode} inline ${quoted}\n`);
        data(entry.content);
      }
    }
    text('\n');
    marks.set(commit.name, mark);
    pathsAfter.set(commit.name, paths);
  });
  text('done\n');
  return Buffer.concat(parts);
}
