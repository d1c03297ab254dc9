// What a staging write reads from the tree it is applied to: the kinds, the other stagings, the environments and their
// namespaces, all as the snapshot of that head parsed them (head-snapshot.ts), gathered once per head in a batch.
import type { Problem, RepoEnvironments, SnapshotWithFiles, Staging, StagingKind } from '@cascade/common';
import type { WriteContext } from '@cascade/common/git';
import { memoized } from '../batch-memo.ts';
import { environmentsOf } from '../head-snapshot.ts';

const KINDS_FILE = 'stagings.yaml';

/** The parts of a tree a staging write decides on. */
export interface StagingTree {
  kinds: Map<string, StagingKind>;
  /** Problems of stagings.yaml: a kind with one is left out of `kinds`, and a refusal should say why. */
  kindProblems: Problem[];
  /** Every staging file that could be read, by name (held ones included, with their problems). */
  stagings: Map<string, Staging>;
  /** Names with a file below stagings/, readable or not: a name is taken as long as its file exists. */
  stagingNames: Set<string>;
  environments: RepoEnvironments;
  /** deployers.yaml: environment name → its namespace, for the environments that have one. */
  envNamespaces: Map<string, string>;
  /** Every environment deployers.yaml names. */
  deployerEnvs: Set<string>;
}

/** The codes the snapshot gives a file it cannot read at all (checkReadable, decodeText in common's file parsers). */
const UNREADABLE = new Set(['symlink', 'submodule', 'too-large', 'not-utf8', 'unreadable']);

/**
 * The staging tree of the head `snapshot` was parsed from. A staging file Cascade cannot read is held in the snapshot;
 * here it counts as absent but keeps its name taken (its problems are the snapshot's to report).
 */
export function readStagingTree(snapshot: SnapshotWithFiles, context: WriteContext | undefined): StagingTree {
  return memoized(context, `staging-tree ${snapshot.commit}`, () => {
    const stagings = new Map<string, Staging>();
    for (const [name, staging] of snapshot.stagings) if (!unreadable(staging)) stagings.set(name, staging);
    const envNamespaces = new Map<string, string>();
    for (const binding of snapshot.deployers.values()) if (binding.namespace !== undefined) envNamespaces.set(binding.env, binding.namespace);
    return {
      kinds: snapshot.stagingKinds,
      kindProblems: snapshot.problems.filter((problem) => problem.file === KINDS_FILE),
      stagings,
      stagingNames: new Set(snapshot.stagings.keys()),
      environments: environmentsOf(snapshot),
      envNamespaces,
      deployerEnvs: new Set(snapshot.deployers.keys()),
    };
  });
}

/** True for a staging the snapshot holds because its file could not be read. */
function unreadable(staging: Staging): boolean {
  return (staging.problems ?? []).some((problem) => problem.file === staging.file && UNREADABLE.has(problem.code));
}
