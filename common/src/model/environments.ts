// What an environment is, defined once: the snapshot, the aggregator's write checks and the CLI all ask here.
// An environment is named in deployers.yaml or transitions.yaml, or its folder holds base/, deployable/ or version/.
// A locks.yaml alone makes none, or locking any folder (`docs`) would create an environment.
import type { RepoFiles } from '../repo/files.ts';
import { MAX_FILE_BYTES } from '../repo/files.ts';
import { RESOURCE_FOLDERS, STAGINGS_FOLDER } from './classify.ts';
import { parseDeployersFile } from './deployers.ts';
import { checkEnvName } from './names.ts';
import { orderEnvironments } from './pipeline.ts';
import { parseTransitionsFile } from './transitions.ts';
import type { Transition } from './types.ts';

/** The environment whose resource folder holds `path` (`dev/base/cart.yaml` → `dev`), or undefined. */
function resourceFolderEnvironment(path: string): string | undefined {
  const [top, folder, ...rest] = path.split('/');
  if (top === undefined || folder === undefined || rest.length === 0) return undefined;
  if (!(RESOURCE_FOLDERS as readonly string[]).includes(folder) || top === STAGINGS_FOLDER) return undefined;
  return checkEnvName(top) === undefined ? top : undefined;
}

/** The environments of a commit, in pipeline order: those transitions and deployers name, plus every folder with a resource folder. */
export function environmentNames(paths: Iterable<string>, transitions: readonly Transition[], deployerEnvs: Iterable<string>): string[] {
  const names = new Set<string>([...transitions.flatMap((t) => [t.source, t.target]), ...deployerEnvs]);
  for (const path of paths) {
    const env = resourceFolderEnvironment(path);
    if (env !== undefined) names.add(env);
  }
  return orderEnvironments([...names], [...transitions]);
}

/** A commit's environments and transitions, read without parsing any environment's files. */
export interface RepoEnvironments {
  /** Environment names in pipeline order. */
  names: string[];
  transitions: Transition[];
}

/** Reads the environments of a commit from its paths, deployers.yaml and transitions.yaml; a file parseSnapshot could not read names none. */
export function readEnvironments(files: RepoFiles): RepoEnvironments {
  const transitionsText = readableText(files, 'transitions.yaml');
  const deployersText = readableText(files, 'deployers.yaml');
  const transitions = transitionsText === undefined ? [] : parseTransitionsFile('transitions.yaml', transitionsText).transitions;
  const deployers = deployersText === undefined ? [] : parseDeployersFile('deployers.yaml', deployersText).deployers.keys();
  return { names: environmentNames(files.files.keys(), transitions, deployers), transitions };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The text of a regular file within the size bound, or undefined: symlinks and odd bytes are problems parseSnapshot reports. */
function readableText(files: RepoFiles, path: string): string | undefined {
  const file = files.files.get(path);
  if (!file || (file.kind !== 'file' && file.kind !== 'executable') || file.content === undefined || file.size > MAX_FILE_BYTES) return undefined;
  try {
    return decoder.decode(file.content);
  } catch {
    return undefined;
  }
}
