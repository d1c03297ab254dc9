// A resource whose own files cannot be read: where each problem is, and the deployer's errors that say it again.
import type { ResourceError, ResourceProblem } from '../api/wire.ts';

/** What a broken cell says before its problems: plain words, with what happens to what runs. */
export const BROKEN_REASON = 'a file of this resource cannot be read, so it is not deployed here; what runs now stays until the file is fixed';

/** `file:line:col`, the form editors and CI logs understand, or the file alone when the problem has no position. */
export function problemPlace(problem: ResourceProblem): string {
  return problem.line === undefined ? problem.file : `${problem.file}:${problem.line}:${problem.col ?? 1}`;
}

/** The deployer's errors without those that restate a repo problem (it reports each unreadable file again). */
export function errorsBesides(errors: readonly ResourceError[], problems: readonly ResourceProblem[]): ResourceError[] {
  return errors.filter((error) => !problems.some((problem) => problem.code === error.code && problem.file === error.file && problem.message === error.message));
}
