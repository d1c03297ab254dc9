// What a staging write reads from the tree it is applied to: the kinds, the other stagings, the environments and their
// namespaces. Each part is parsed once per batch of writes (keyed by the blobs it reads), not once per write.
import type { DeployerBinding, RepoEnvironments, RepoFiles, Staging, StagingKind } from '@cascade/common';
import { classifyPath, parseDeployersFile, parseStagingFile, parseStagingKindsFile, stagingPath, UneditableFileError, type Problem } from '@cascade/common';
import type { WriteContext } from '@cascade/common/git';
import { environmentsOf, memoized, versionOf } from '../batch-memo.ts';
import { WriteRefusedError } from '../errors.ts';
import { readText } from '../repo-paths.ts';

const KINDS_FILE = 'stagings.yaml';
const DEPLOYERS_FILE = 'deployers.yaml';

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

/** Reads the staging tree of `current`; files Cascade cannot read count as absent (their problems are the snapshot's to report). */
export function readStagingTree(current: RepoFiles, context: WriteContext | undefined): StagingTree {
  const { kinds, problems: kindProblems } = memoized(context, `staging-kinds ${versionOf(current, KINDS_FILE)}`, () => {
    const text = quietText(current, KINDS_FILE);
    return text === undefined ? { kinds: new Map<string, StagingKind>(), problems: [] } : parseStagingKindsFile(KINDS_FILE, text);
  });
  const { envNamespaces, deployerEnvs } = memoized(context, `staging-deployers ${versionOf(current, DEPLOYERS_FILE)}`, () => {
    const text = quietText(current, DEPLOYERS_FILE);
    const bindings = text === undefined ? new Map<string, DeployerBinding>() : parseDeployersFile(DEPLOYERS_FILE, text).deployers;
    const namespaces = new Map<string, string>();
    for (const binding of bindings.values()) if (binding.namespace !== undefined) namespaces.set(binding.env, binding.namespace);
    return { envNamespaces: namespaces, deployerEnvs: new Set<string>(bindings.keys()) };
  });
  // Depends only on the set of paths, which is what the batch memo keeps a value for.
  const stagingNames = memoized(context, 'staging-paths', () => {
    const names = new Set<string>();
    for (const path of current.files.keys()) {
      const place = classifyPath(path);
      if (place.kind === 'staging') names.add(place.name);
    }
    return names;
  });
  const stagings = new Map<string, Staging>();
  for (const name of stagingNames) {
    const path = stagingPath(name);
    const staging = memoized(context, `staging ${path} ${versionOf(current, path)}`, () => {
      const text = quietText(current, path);
      return text === undefined ? undefined : parseStagingFile(path, name, current.files.get(path)?.oid ?? '', text).staging;
    });
    if (staging !== undefined) stagings.set(name, staging);
  }
  return { kinds, kindProblems, stagings, stagingNames, environments: environmentsOf(current, context), envNamespaces, deployerEnvs };
}

/** A file's text, or undefined when it is absent or Cascade cannot read it (too large, a symlink, not UTF-8). */
function quietText(current: RepoFiles, path: string): string | undefined {
  try {
    return readText(current, path);
  } catch (error) {
    if (error instanceof WriteRefusedError || error instanceof UneditableFileError) return undefined;
    throw error;
  }
}
