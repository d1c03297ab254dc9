// Seeded random mutations of a whole resource repo, and what each may affect: the input of the fuzz suites
// (parse, validate and render here; real deployer passes in the integration tests).
import { blobId, MAX_FILE_BYTES, type RepoFile, type RepoFiles } from '../repo/files.ts';
import { classifyPath } from '../model/classify.ts';
import { createPrng, type Prng } from './prng.ts';
import { mutateContent } from './content-mutations.ts';

/** Names of the repo mutations. */
export const REPO_MUTATIONS = ['content', 'reserved-content', 'replace-entry', 'rename-odd', 'duplicate', 'folder-to-file', 'env-to-file'] as const;

/** One repo mutation's name. */
export type RepoMutationKind = (typeof REPO_MUTATIONS)[number];

/** A resource of one environment. */
export interface ResourceRef {
  env: string;
  name: string;
}

/** One change made to the repo, and what it may affect. */
export interface RepoMutation {
  kind: RepoMutationKind;
  /** What was done, e.g. `content dev/version/payments.yaml: truncated at byte 17`. */
  description: string;
  /** Paths written, added or removed. */
  paths: string[];
  /** Resources whose own files changed: each stays in the snapshot and renders, or fails naming one of `paths`. */
  resources: ResourceRef[];
  /** Environments whose folder structure broke: each that exists in the snapshot must hold pruning. */
  holds: string[];
}

/** A mutated copy of a repo: the files, the mutations in order, and symlink targets (RepoFile has none). */
export interface MutatedRepo {
  seed: number;
  files: RepoFiles;
  mutations: RepoMutation[];
  /** Target of every symlink a mutation created, by path, for writing the repo to git. */
  symlinkTargets: Record<string, string>;
}

/** Options of mutateRepo. */
export interface MutateOptions {
  /** Mutations per seed; 1 to 3, chosen by the seed, when absent. */
  count?: number;
  /** Only what a git commit can hold: no submodules, no NUL in names. */
  gitSafe?: boolean;
}

/** Characters that make a name segment invalid (upper case, space, control, separator, replacement character). */
const ODD_NAME_CHARACTERS = ['A', ' ', 'Ä', '\u0007', '\u2028', '\ufffd', '~', '\u0000'];

/** Endings that make a resource file no YAML file. */
const ODD_ENDINGS = ['.yaml.bak', '.YAML', '.json', '', '.yaml~'];

/** How often each mutation is drawn: breaking a resource file's content is the commonest real accident. */
const WEIGHTED: readonly RepoMutationKind[] = [...REPO_MUTATIONS, 'content', 'content'];

/** Applies 1–3 seeded mutations to a copy of `repo`; the same repo and seed always give the same result. */
export function mutateRepo(repo: RepoFiles, seed: number, options: MutateOptions = {}): MutatedRepo {
  const rng = createPrng(seed);
  const state: MutatedRepo = { seed, files: { commit: `${repo.commit}+fuzz${seed}`, files: new Map(repo.files) }, mutations: [], symlinkTargets: {} };
  const count = options.count ?? 1 + rng.int(3);
  for (let i = 0; i < count; i++) {
    const mutation = applyOne(state, rng, rng.pick(WEIGHTED), options.gitSafe ?? false);
    if (mutation) state.mutations.push(mutation);
  }
  return state;
}

/** The seed and every mutation, one per line, for a failure message. */
export function describeMutations(mutated: MutatedRepo): string {
  return [`seed ${mutated.seed}:`, ...mutated.mutations.map((m) => `  ${m.kind}: ${JSON.stringify(m.description).slice(1, -1)}`)].join('\n');
}

/** `env/name` of every resource some mutation touched. */
export function touchedResources(mutated: MutatedRepo): Set<string> {
  return new Set(mutated.mutations.flatMap((m) => m.resources.map((r) => `${r.env}/${r.name}`)));
}

/** Every environment whose folder structure some mutation broke. */
export function heldEnvironments(mutated: MutatedRepo): Set<string> {
  return new Set(mutated.mutations.flatMap((m) => m.holds));
}

/** Every path some mutation wrote, added or removed. */
export function mutatedPaths(mutated: MutatedRepo): Set<string> {
  return new Set(mutated.mutations.flatMap((m) => m.paths));
}

/** Carries out one mutation; undefined when the repo has nothing it applies to. */
function applyOne(state: MutatedRepo, rng: Prng, kind: RepoMutationKind, gitSafe: boolean): RepoMutation | undefined {
  const files = state.files.files;
  const readable = [...files.values()].filter((f) => f.content !== undefined && f.kind !== 'symlink' && f.kind !== 'submodule');
  const resourceFiles = readable.filter((f) => resourceOf(f.path) !== undefined);
  const resourceFile = resourceFiles.length > 0 ? rng.pick(resourceFiles) : undefined;
  switch (kind) {
    case 'content':
    case 'reserved-content': {
      const others = readable.filter((f) => ['reserved', 'locks'].includes(classifyPath(f.path).kind));
      const file = kind === 'content' ? resourceFile : others.length > 0 ? rng.pick(others) : undefined;
      if (!file?.content) return undefined;
      const changed = mutateContent(file.content, rng);
      put(files, { path: file.path, kind: file.kind, oid: blobId(changed.content), size: changed.content.byteLength, content: changed.content });
      return mutation(kind, `${file.path}: ${changed.what}`, [file.path], file.path, []);
    }
    case 'replace-entry': {
      if (!resourceFile) return undefined;
      const path = resourceFile.path;
      const as = rng.pick(gitSafe ? (['symlink', 'oversized'] as const) : (['symlink', 'oversized', 'submodule'] as const));
      replaceEntry(state, path, as);
      return mutation(kind, `${path} replaced by a ${as}`, [path], path, []);
    }
    case 'rename-odd': {
      if (!resourceFile) return undefined;
      const to = oddName(resourceFile.path, rng, gitSafe);
      if (occupied(files, to)) return undefined;
      files.delete(resourceFile.path);
      put(files, { ...resourceFile, path: to });
      const ref = resourceOf(resourceFile.path) as ResourceRef;
      return { kind, description: `${resourceFile.path} renamed to ${to}`, paths: [resourceFile.path, to], resources: [ref], holds: [ref.env] };
    }
    case 'duplicate': {
      if (!resourceFile) return undefined;
      const ref = resourceOf(resourceFile.path) as ResourceRef;
      const twin = rng.chance(0.5) ? resourceFile.path.replace(/\.ya?ml$/, (e) => (e === '.yaml' ? '.yml' : '.yaml')) : `${ref.env}/deployable/${ref.name}.yaml`;
      if (occupied(files, twin)) return undefined;
      put(files, { ...resourceFile, path: twin });
      return mutation(kind, `${resourceFile.path} copied to ${twin}`, [twin], resourceFile.path, []);
    }
    case 'folder-to-file':
    case 'env-to-file': {
      const folders = new Set(resourceFiles.map((f) => f.path.split('/').slice(0, kind === 'env-to-file' ? 1 : 2).join('/')));
      if (folders.size === 0) return undefined;
      const folder = rng.pick([...folders].sort());
      const removed = [...files.keys()].filter((p) => p.startsWith(`${folder}/`));
      for (const path of removed) files.delete(path);
      const as = rng.pick(gitSafe ? (['symlink', 'file'] as const) : (['symlink', 'file', 'submodule'] as const));
      replaceEntry(state, folder, as);
      const resources = removed.flatMap((p) => resourceOf(p) ?? []);
      return { kind, description: `${folder}/ (${removed.length} files) replaced by a ${as}`, paths: [folder, ...removed], resources, holds: [folder.split('/')[0] as string] };
    }
  }
}

/** A mutation touching the resource of `resourcePath`. */
function mutation(kind: RepoMutationKind, description: string, paths: string[], resourcePath: string, holds: string[]): RepoMutation {
  const ref = resourceOf(resourcePath);
  return { kind, description, paths, resources: ref ? [ref] : [], holds };
}

/** True when `path` exists, is a folder, or lies below an entry that is not a folder: no tree (and no git commit) has both. */
function occupied(files: Map<string, RepoFile>, path: string): boolean {
  if (files.has(path)) return true;
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) if (files.has(segments.slice(0, i).join('/'))) return true;
  for (const other of files.keys()) if (other.startsWith(`${path}/`)) return true;
  return false;
}

/** Puts an entry at a path (replacing whatever was there). */
function put(files: Map<string, RepoFile>, file: RepoFile): void {
  files.set(file.path, file);
}

/** Replaces the entry at `path` by a symlink, a submodule, a short text file, or a file over the size bound (no content, as readers give it). */
function replaceEntry(state: MutatedRepo, path: string, as: 'symlink' | 'submodule' | 'oversized' | 'file'): void {
  const files = state.files.files;
  if (as === 'symlink') {
    const target = `../${path.split('/').pop() ?? 'x'}`;
    state.symlinkTargets[path] = target;
    put(files, { path, kind: 'symlink', oid: blobId(new TextEncoder().encode(target)), size: target.length });
  } else if (as === 'submodule') {
    put(files, { path, kind: 'submodule', oid: blobId(new TextEncoder().encode(`submodule ${path}`)), size: 0 });
  } else if (as === 'oversized') {
    put(files, { path, kind: 'file', oid: blobId(new TextEncoder().encode(`oversized ${path}`)), size: MAX_FILE_BYTES + 1 });
  } else {
    const content = new TextEncoder().encode('not: a folder\n');
    put(files, { path, kind: 'file', oid: blobId(content), size: content.byteLength, content });
  }
}

/** The path with one name segment made invalid, or its ending made something other than .yaml. */
function oddName(path: string, rng: Prng, gitSafe: boolean): string {
  const segments = path.split('/');
  if (rng.chance(0.3)) return path.replace(/\.ya?ml$/, rng.pick(ODD_ENDINGS));
  // Segments from the third on name the resource; the last keeps its .yaml ending after the insertion.
  const index = 2 + rng.int(segments.length - 2);
  const segment = segments[index] ?? '';
  const stem = segment.replace(/\.ya?ml$/, '');
  const at = rng.int(stem.length + 1);
  const odd = rng.pick(ODD_NAME_CHARACTERS.filter((c) => !gitSafe || c !== '\u0000'));
  segments[index] = `${stem.slice(0, at)}${odd}${stem.slice(at)}${segment.slice(stem.length)}`;
  return segments.join('/');
}

/** The resource a path defines, when it is a valid resource file. */
function resourceOf(path: string): ResourceRef | undefined {
  const place = classifyPath(path);
  return place.kind === 'resource' ? { env: place.env, name: place.name } : undefined;
}
