// Full validation of a commit: the snapshot's problems plus everything rendering every environment finds.
import { checkSopsYaml } from '../secrets/structure.ts';
import { SecretsError } from '../secrets/errors.ts';
import { decodeText } from './file-parsers.ts';
import { compareProblems, type Problem } from './problem.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import { renderResource, secretFiles, type RenderOptions } from './render.ts';
import { deriveStagings } from './stagings/derive.ts';

/** Every problem of a snapshot, rendering problems included, sorted by file and position. */
export function validateSnapshot(snapshot: SnapshotWithFiles, cache: ParseCache = new Map(), options: RenderOptions = {}): Problem[] {
  const problems = [...snapshot.problems];
  const seen = new Set(problems.map(problemKey));
  const add = (problem: Problem) => {
    if (!seen.has(problemKey(problem))) problems.push(problem);
    seen.add(problemKey(problem));
  };
  for (const environment of snapshot.environments.values()) {
    // Encrypted files are checked without a key too: metadata, a MAC that is there, ENC[…] wherever one belongs.
    for (const file of secretFiles(snapshot, environment.name, cache)) {
      const problem = sopsStructureProblem(file.path, decodeText(file));
      if (problem) add({ ...problem, env: environment.name });
    }
    for (const resource of environment.resources.values()) {
      if (resource.source.kind === 'unreleased') continue;
      // renderResource keeps even an unexpected error with its resource, so one never hides the others.
      const rendered = renderResource(snapshot, resource, cache, options);
      if (rendered.ok) continue;
      // A bad version file is already reported by the snapshot; rendering repeats it in other words.
      for (const problem of rendered.problems) {
        if (problem.code === 'bad-version-file' || problem.code === 'missing-base') continue;
        add(problem);
      }
    }
  }
  // A staging's file may parse and still be unusable (unknown kind, a namespace taken): validate says so before a push.
  const { deployments, held } = deriveStagings(snapshot);
  for (const { problems: own } of held.values()) own.forEach(add);
  for (const { warnings } of deployments.values()) warnings.forEach(add);
  return problems.sort(compareProblems);
}

/** The structure problem of one encrypted file, or undefined when sops could decrypt it given the key. */
function sopsStructureProblem(file: string, text: string | Problem): Problem | undefined {
  if (typeof text !== 'string') return text;
  try {
    checkSopsYaml(text, file);
    return undefined;
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    return { file, ...(error.data.line !== undefined ? { line: error.data.line } : {}), severity: 'error', code: error.code, message: error.message };
  }
}

/** Identity of a problem, for de-duplication. */
function problemKey(p: Problem): string {
  return `${p.file}:${p.line ?? ''}:${p.col ?? ''}:${p.code}`;
}
