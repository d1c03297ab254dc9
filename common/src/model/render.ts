// Rendering an environment: every resource turned into the manifests to apply, or its problems.
import type { Document } from 'yaml';
import { internalErrorProblem, type Problem } from './problem.ts';
import type { Manifest, RenderedResource, Resource, VersionData, YamlValue } from './types.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import { decodeText } from './file-parsers.ts';
import { fillSlots, substitutePlaceholders } from './merge.ts';
import { findPlaceholderSlots, type PreparedDocument } from './template.ts';
import { runSteps, runStepsPausing, type Pause, type Steps } from './steps.ts';
import { documentValue, isPlainMap, locationOf, parseYamlFileSteps, problemAt, type Located, type YamlFile } from './yaml-file.ts';
import { isSopsDocument, maskEncrypted, openProblem, plainValue, type SecretOpener } from './secret-values.ts';
import type { RepoFile } from '../repo/files.ts';
import { ValueInterner } from './value-interner.ts';
import { WeakValueMap } from '../repo/shared-reads.ts';

/**
 * One for the process: parsed files repeat the same kinds, names and values, and every parsed value is kept for as
 * long as its blob is used. Values are frozen, since renders share them with what they hand out.
 */
const parsedValues = new ValueInterner();

/** Options of rendering. */
export interface RenderOptions {
  /**
   * Decrypted SOPS files (the deployer's keyring, opened with openSecretFiles' list first). Without it encrypted
   * values render as `(secret)`: what the CLI shows and validates, never something to apply.
   */
  secrets?: SecretOpener;
  /**
   * Where the base files of templates are kept parsed; default the cache. A base is needed again only when its
   * resource changes (a render is remembered), so a service that keeps the cache for good passes a map per pass:
   * kept, a parsed base costs a few KB per resource for as long as the cache keeps it.
   */
  bases?: ParseCache;
}

/** Renders every released resource of an environment; unreleased templates are left out. */
export function renderEnvironment(snapshot: SnapshotWithFiles, env: string, cache: ParseCache = new Map(), options: RenderOptions = {}): RenderedResource[] {
  return runSteps(renderEnvironmentSteps(snapshot, env, cache, options));
}

/**
 * renderEnvironment for a service: awaits `pause` between resources and between steps of parsing a large file, so a
 * large environment does not keep the process from answering health checks and API calls while it renders.
 */
export function renderEnvironmentAsync(snapshot: SnapshotWithFiles, env: string, cache: ParseCache, pause: Pause, options: RenderOptions = {}): Promise<RenderedResource[]> {
  return runStepsPausing(renderEnvironmentSteps(snapshot, env, cache, options), pause);
}

/** The SOPS-encrypted files an environment's render needs opened: encrypted deployables and version files. */
export function secretFilesAsync(snapshot: SnapshotWithFiles, env: string, cache: ParseCache, pause: Pause): Promise<RepoFile[]> {
  return runStepsPausing(secretFilesSteps(snapshot, env, cache), pause);
}

/** secretFilesAsync without pauses (the CLI). */
export function secretFiles(snapshot: SnapshotWithFiles, env: string, cache: ParseCache = new Map()): RepoFile[] {
  return runSteps(secretFilesSteps(snapshot, env, cache));
}

function* secretFilesSteps(snapshot: SnapshotWithFiles, env: string, cache: ParseCache): Steps<RepoFile[]> {
  const files: RepoFile[] = [];
  for (const resource of snapshot.environments.get(env)?.resources.values() ?? []) {
    const { source } = resource;
    if (resource.problems && resource.problems.length > 0) continue;
    // A version file without a base is a control script's input: script targets use its decrypted values.
    if ((source.kind === 'template' || source.kind === 'versionOnly') && resource.version?.encrypted) files.push(...fileOf(snapshot, source.versionFile));
    if (source.kind !== 'deployable') continue;
    const parsed = yield* parseCached(snapshot, source.file, cache);
    if (!('problems' in parsed) && parsed.encrypted) files.push(...fileOf(snapshot, source.file));
    yield;
  }
  return files;
}

function fileOf(snapshot: SnapshotWithFiles, path: string): RepoFile[] {
  const file = snapshot.files.files.get(path);
  return file ? [file] : [];
}

/** renderEnvironment as steps, one resource (or a slice of parsing one file) at a time. */
function* renderEnvironmentSteps(snapshot: SnapshotWithFiles, env: string, cache: ParseCache, options: RenderOptions): Steps<RenderedResource[]> {
  const environment = snapshot.environments.get(env);
  if (!environment) return [];
  const rendered: RenderedResource[] = [];
  let lookups = 0;
  for (const resource of environment.resources.values()) {
    if (resource.source.kind === 'unreleased') continue;
    // A resource rendered before is a lookup: no steps of its own, and a pause only now and then, so a pass after a
    // commit that changed one resource of thousands does not await a pause per resource.
    const known = rememberedRender(resource, options);
    if (known !== undefined) {
      rendered.push(known);
      if (++lookups % LOOKUPS_PER_STEP === 0) yield;
      continue;
    }
    rendered.push(yield* renderResourceSteps(snapshot, resource, cache, options));
    yield;
  }
  return rendered;
}

/** Renders looked up between two steps of an environment's render. */
const LOOKUPS_PER_STEP = 256;

/** The render remembered for this very resource object and set of keys, if any (never one with problems). */
function rememberedRender(resource: Resource, options: RenderOptions): RenderedResource | undefined {
  if (resource.problems && resource.problems.length > 0) return undefined;
  return rendersByKeys.get(options.secrets?.id ?? 'masked')?.get(resource);
}

/**
 * The render of each resource object, per set of keys (SecretOpener.id, or `masked`), beside the cache: a patched
 * snapshot keeps its unchanged resources as the same objects, so a pass over an environment after a commit that
 * changed one resource costs a lookup by object per resource, not a key string built and hashed per resource. Weak:
 * an entry goes with the snapshots that held its resource.
 */
const rendersByKeys = new Map<string, WeakMap<Resource, RenderedResource>>();

/** Renders one resource; problems are collected, never thrown, even an unexpected error stays with this resource. */
export function renderResource(snapshot: SnapshotWithFiles, resource: Resource, cache: ParseCache = new Map(), options: RenderOptions = {}): RenderedResource {
  return runSteps(renderResourceSteps(snapshot, resource, cache, options));
}

/** renderResource as steps. */
function* renderResourceSteps(snapshot: SnapshotWithFiles, resource: Resource, cache: ParseCache, options: RenderOptions): Steps<RenderedResource> {
  const { env, name } = resource;
  try {
    // A resource whose files could not be read fails like a render error, so it keeps its live objects.
    if (resource.problems && resource.problems.length > 0) return { ok: false, env, name, problems: resource.problems.map((p) => ({ ...p, env, resource: name })) };
    const known = rememberedRender(resource, options);
    if (known !== undefined) return known;
    // Decrypted renders are cached (in memory, by blob ids) apart from masked ones and per set of keys.
    const keys = options.secrets?.id ?? 'masked';
    let renders = rendersByKeys.get(keys);
    if (renders === undefined) rendersByKeys.set(keys, (renders = new WeakMap()));
    const key = `${renderedKey(resource)}\0${keys}`;
    const result = (cache.get(key) as RenderedResource | undefined) ?? shareManifests(resource, yield* renderUncached(snapshot, resource, cache, options));
    cache.set(key, result);
    renders.set(resource, result);
    return result;
  } catch (error) {
    return { ok: false, env, name, problems: [{ ...internalErrorProblem(mainFile(resource), error), env, resource: name }] };
  }
}

/**
 * The manifests of templates' successful renders, by what they were rendered from rather than where: every
 * environment (and staging) that holds a resource at the same files renders the same manifests, and at thousands of
 * resources in four environments each copy costs about a KB. Weak: a list lasts as long as some render keeps it.
 */
const manifestsByContent = new WeakValueMap<Manifest[]>();

/**
 * `rendered` with the manifests of an equal render of the same resource elsewhere, if one is kept; otherwise its
 * own, kept for the next and frozen, since other environments' renders hand out the same objects.
 */
function shareManifests(resource: Resource, rendered: RenderedResource): RenderedResource {
  // A decrypted value is never put in a table that outlives its render; deployables share their parsed file already.
  if (!rendered.ok || resource.source.kind !== 'template' || resource.version?.encrypted !== undefined) return rendered;
  // Name and blob ids are all a template's render reads (a staging's own file is among its blobs); the environment is not.
  const key = `${resource.name}\0${resource.blobs.join(',')}`;
  const shared = manifestsByContent.get(key);
  if (shared !== undefined) return { ...rendered, manifests: shared };
  // The strings a render filled in are interned with the parsed values', and everything is frozen down to the parts
  // of the parsed base the render shares (frozen already).
  parsedValues.internInPlace(rendered.manifests as YamlValue, { freeze: true });
  manifestsByContent.set(key, rendered.manifests);
  return rendered;
}

/** The cache key of a resource's render: the result depends only on its own files, so their blob ids identify it. */
function renderedKey(resource: Resource): string {
  return `${RENDERED_KEY}${resource.env}\0${resource.name}\0${resource.source.kind}\0${resource.blobs.join(',')}`;
}

/** How the keys of renders and of prepared manifest files begin in the parse cache. */
const RENDERED_KEY = 'rendered\0';
const MANIFEST_KEY = 'manifest\0';

/** Whether a parse cache key is the renderer's (a render, a prepared manifest file) rather than a parsed file's. */
export function isRenderCacheKey(key: string): boolean {
  return key.startsWith(RENDERED_KEY) || key.startsWith(MANIFEST_KEY);
}

/** The file a user opens first for a resource: its deployable, or its base (its version file when it has none). */
function mainFile(resource: Resource): string {
  const { source } = resource;
  if (source.kind === 'deployable') return source.file;
  return source.kind === 'versionOnly' ? source.versionFile : source.baseFile;
}

/** Renders one resource from its files. */
function* renderUncached(snapshot: SnapshotWithFiles, resource: Resource, cache: ParseCache, { secrets, bases }: RenderOptions): Steps<RenderedResource> {
  const { env, name, source } = resource;
  const fail = (problems: Problem[]): RenderedResource => ({ ok: false, env, name, problems: problems.map((p) => ({ ...p, env, resource: name })) });
  if (source.kind === 'versionOnly') {
    return fail([{ file: source.versionFile, severity: 'error', code: 'missing-base', message: `version file has no base; add ${env}/base/${name}.yaml` }]);
  }
  if (source.kind === 'unreleased') return { ok: true, env, name, manifests: [], sourceFiles: [source.baseFile] };
  const file = source.kind === 'deployable' ? source.file : source.baseFile;
  // A deployable's parse stays in the cache: its values are the render's, and every pass looks for its encryption.
  const parsed = yield* parseCached(snapshot, file, source.kind === 'template' ? (bases ?? cache) : cache);
  if ('problems' in parsed) return fail(parsed.problems);
  if (parsed.encrypted && source.kind === 'template') {
    return fail([{ file, severity: 'error', code: 'encrypted-base', message: 'a base must not be encrypted; keep secret values in the version file, or make the resource a deployable' }]);
  }
  if (parsed.encrypted && secrets) return openedDeployable(snapshot, resource, file, secrets);
  let version = resource.version;
  if (source.kind === 'template' && version?.encrypted && secrets) {
    const opened = secrets.opened({ path: source.versionFile, oid: snapshot.files.files.get(source.versionFile)?.oid ?? '' });
    if (!opened?.ok) return fail([openProblem(source.versionFile, opened)]);
    const fields = plainValue(opened.documents[0]);
    if (!isPlainMap(fields)) return fail([{ file: source.versionFile, severity: 'error', code: 'version-not-map', message: 'the decrypted version file is not a map' }]);
    version = { version: version.version, fields: { ...fields, ...resource.overlay } };
  }
  const problems: Problem[] = [];
  const manifests: Manifest[] = [];
  for (const prepared of parsed.documents) {
    // Without keys an encrypted deployable shows `(secret)` for its values and loses its sops block.
    let value: YamlValue | undefined = parsed.encrypted ? maskEncrypted(prepared.value).value : prepared.value;
    if (source.kind === 'template') {
      if (!version) return fail([{ file: source.versionFile, severity: 'error', code: 'bad-version-file', message: 'version file is not usable (see the problem reported for it)' }]);
      const filled = fillDocument(parsed.yaml, prepared, version);
      // Both name a value of the version file: say which file, so the user knows where to look.
      const fromVersion = (p: Problem) => p.code === 'missing-key' || p.code === 'not-embeddable';
      problems.push(...filled.problems.map((p) => (fromVersion(p) ? { ...p, message: `${p.message} (${source.versionFile})` } : p)));
      value = filled.value;
    }
    if (prepared.problem) problems.push(prepared.problem);
    else if (value !== null && value !== undefined) {
      const shape = checkManifest(value);
      if (shape) problems.push(problemAt(parsed.yaml, prepared.contents, 'bad-manifest', shape));
      else manifests.push(value as Manifest);
    }
  }
  if (problems.length > 0) return fail(problems);
  const sourceFiles = source.kind === 'template' ? [source.baseFile, source.versionFile] : [source.file];
  return { ok: true, env, name, ...(resource.version ? { version: resource.version.version } : {}), manifests, sourceFiles };
}

/** An encrypted deployable rendered from its decrypted documents; values are used as they are, with no placeholders. */
function openedDeployable(snapshot: SnapshotWithFiles, resource: Resource, file: string, secrets: SecretOpener): RenderedResource {
  const { env, name } = resource;
  const opened = secrets.opened({ path: file, oid: snapshot.files.files.get(file)?.oid ?? '' });
  if (!opened?.ok) return { ok: false, env, name, problems: [{ ...openProblem(file, opened), env, resource: name }] };
  const manifests: Manifest[] = [];
  for (const [index, document] of opened.documents.entries()) {
    const value = plainValue(document);
    if (isPlainMap(value) && Object.keys(value).length === 0) continue;
    // The position of the document, never its content: the content is secret.
    const shape = checkManifest(value);
    if (shape) return { ok: false, env, name, problems: [{ file, severity: 'error', code: 'bad-manifest', message: `document ${index + 1}: ${shape}`, env, resource: name }] };
    manifests.push(value as Manifest);
  }
  return { ok: true, env, name, manifests, sourceFiles: [file] };
}

/** A file's documents parsed once per blob, each with its plain value and placeholder slots. */
interface ParsedManifestFile {
  /** The file is SOPS-encrypted (its first document has a `sops` block). */
  encrypted: boolean;
  /** Without its syntax trees unless a document needs them again (see prepareFile). */
  yaml: YamlFile;
  documents: PreparedManifest[];
}

/** One document ready to render; `doc` only where placeholders must be filled in the syntax tree (aliases). */
type PreparedManifest = PreparedDocument & { doc?: Document.Parsed; contents: Located; problem?: Problem };

/**
 * Parses a manifest file once per blob, wherever it sits: environments (and the stagings made from them) often hold the
 * same base, and a prepared base costs a few KB, kept for every resource. Only the file named in problems differs.
 */
function* parseCached(snapshot: SnapshotWithFiles, path: string, cache: ParseCache): Steps<ParsedManifestFile | { problems: Problem[] }> {
  const file = snapshot.files.files.get(path);
  if (!file) return { problems: [{ file: path, severity: 'error', code: 'missing-file', message: 'file disappeared from the snapshot' }] };
  const key = `${MANIFEST_KEY}${file.oid}`;
  const hit = cache.get(key) as ParsedManifestFile | { problems: Problem[] } | undefined;
  if (hit) return atPath(hit, path);
  const text = decodeText(file);
  const result = typeof text === 'string' ? prepareFile(yield* parseYamlFileSteps(path, text)) : { problems: [text] };
  cache.set(key, result);
  return result;
}

/** A file parsed at another path with the same content, naming `path` in its problems. */
function atPath(parsed: ParsedManifestFile | { problems: Problem[] }, path: string): ParsedManifestFile | { problems: Problem[] } {
  const moved = (problem: Problem): Problem => (problem.file === path ? problem : { ...problem, file: path });
  if ('problems' in parsed) return { problems: parsed.problems.map(moved) };
  if (parsed.yaml.file === path) return parsed;
  const documents = parsed.documents.map((d) => (d.problem === undefined ? d : { ...d, problem: moved(d.problem) }));
  return { ...parsed, yaml: { ...parsed.yaml, file: path, problems: parsed.yaml.problems.map(moved) }, documents };
}

/** A parsed manifest file ready to render, or its problems. */
function prepareFile(yaml: YamlFile): ParsedManifestFile | { problems: Problem[] } {
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const documents = yaml.documents.filter((doc) => doc.contents !== null).map((doc) => prepare(yaml, doc));
  // A syntax tree takes tens of KB per file and a service keeps every base file prepared: keep trees only for the
  // documents whose aliases make placeholder paths ambiguous, which are filled in the tree again on every render.
  const trees = documents.some((d) => d.doc !== undefined);
  return { encrypted: isSopsDocument(documents[0]?.value), yaml: trees ? yaml : { ...yaml, documents: [] }, documents };
}

/** Converts a document to its plain value once and finds its placeholders. */
function prepare(yaml: YamlFile, doc: Document.Parsed): PreparedManifest {
  const { value, problem } = documentValue(yaml, doc);
  const slots = findPlaceholderSlots(doc);
  return { value: parsedValues.internInPlace(value ?? null, { freeze: true }), slots, contents: locationOf(doc.contents), ...(slots === undefined ? { doc } : {}), ...(problem ? { problem } : {}) };
}

/** Fills a prepared document; documents with aliases take the slower node-level path. */
function fillDocument(yaml: YamlFile, prepared: PreparedManifest, data: VersionData): { value: YamlValue | undefined; problems: Problem[] } {
  if (prepared.slots || prepared.doc === undefined) return fillSlots(yaml, prepared.value, prepared.slots ?? [], data);
  const doc = prepared.doc.clone();
  const problems = substitutePlaceholders(yaml, doc, data);
  const { value, problem } = documentValue(yaml, doc as Document.Parsed);
  return { value, problems: problem ? [...problems, problem] : problems };
}

/** Why a document is not a Kubernetes-style object, or `undefined` when it is. */
function checkManifest(value: unknown): string | undefined {
  if (!isPlainMap(value)) return 'each document must be a map with apiVersion, kind and metadata.name';
  if (typeof value['apiVersion'] !== 'string') return 'document lacks "apiVersion"';
  if (typeof value['kind'] !== 'string') return 'document lacks "kind"';
  const metadata = value['metadata'];
  if (!isPlainMap(metadata) || typeof metadata['name'] !== 'string' || metadata['name'] === '') return `${value['kind']} lacks "metadata.name"`;
  return undefined;
}
