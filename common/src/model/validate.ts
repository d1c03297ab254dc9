// Full validation of a commit: the snapshot's problems plus everything rendering every environment finds.
import type { Problem } from './problem.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import { renderEnvironment } from './render.ts';

/** Every problem of a snapshot, rendering problems included, sorted by file and position. */
export function validateSnapshot(snapshot: SnapshotWithFiles, cache: ParseCache = new Map()): Problem[] {
  const problems = [...snapshot.problems];
  const seen = new Set(problems.map(problemKey));
  for (const env of snapshot.environments.keys()) {
    for (const rendered of renderEnvironment(snapshot, env, cache)) {
      if (rendered.ok) continue;
      // A bad version file is already reported by the snapshot; rendering repeats it in other words.
      for (const problem of rendered.problems) {
        if (problem.code === 'bad-version-file' || problem.code === 'missing-base') continue;
        if (!seen.has(problemKey(problem))) problems.push(problem);
        seen.add(problemKey(problem));
      }
    }
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/** Identity of a problem, for de-duplication. */
function problemKey(p: Problem): string {
  return `${p.file}:${p.line ?? ''}:${p.col ?? ''}:${p.code}`;
}
