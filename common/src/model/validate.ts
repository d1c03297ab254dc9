// Full validation of a commit: the snapshot's problems plus everything rendering every environment finds.
import { compareProblems, type Problem } from './problem.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import { renderResource } from './render.ts';

/** Every problem of a snapshot, rendering problems included, sorted by file and position. */
export function validateSnapshot(snapshot: SnapshotWithFiles, cache: ParseCache = new Map()): Problem[] {
  const problems = [...snapshot.problems];
  const seen = new Set(problems.map(problemKey));
  for (const environment of snapshot.environments.values()) {
    for (const resource of environment.resources.values()) {
      if (resource.source.kind === 'unreleased') continue;
      // renderResource keeps even an unexpected error with its resource, so one never hides the others.
      const rendered = renderResource(snapshot, resource, cache);
      if (rendered.ok) continue;
      // A bad version file is already reported by the snapshot; rendering repeats it in other words.
      for (const problem of rendered.problems) {
        if (problem.code === 'bad-version-file' || problem.code === 'missing-base') continue;
        if (!seen.has(problemKey(problem))) problems.push(problem);
        seen.add(problemKey(problem));
      }
    }
  }
  return problems.sort(compareProblems);
}

/** Identity of a problem, for de-duplication. */
function problemKey(p: Problem): string {
  return `${p.file}:${p.line ?? ''}:${p.col ?? ''}:${p.code}`;
}
