// Rendering an environment: every resource turned into the manifests to apply, or its problems.
import type { Document } from 'yaml';
import { internalErrorProblem, type Problem } from './problem.ts';
import type { Manifest, RenderedResource, Resource, VersionData, YamlValue } from './types.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import { decodeText } from './snapshot.ts';
import { fillSlots, substitutePlaceholders } from './merge.ts';
import { findPlaceholderSlots, type PreparedDocument } from './template.ts';
import { documentValue, isPlainMap, parseYamlFile, problemAt, type YamlFile } from './yaml-file.ts';

/** Renders every released resource of an environment; unreleased templates are left out. */
export function renderEnvironment(snapshot: SnapshotWithFiles, env: string, cache: ParseCache = new Map()): RenderedResource[] {
  const environment = snapshot.environments.get(env);
  if (!environment) return [];
  const rendered: RenderedResource[] = [];
  for (const resource of environment.resources.values()) {
    if (resource.source.kind === 'unreleased') continue;
    rendered.push(renderResource(snapshot, resource, cache));
  }
  return rendered;
}

/** Renders one resource; problems are collected, never thrown, even an unexpected error stays with this resource. */
export function renderResource(snapshot: SnapshotWithFiles, resource: Resource, cache: ParseCache = new Map()): RenderedResource {
  const { env, name } = resource;
  try {
    // A resource whose files could not be read fails like a render error, so it keeps its live objects.
    if (resource.problems && resource.problems.length > 0) return { ok: false, env, name, problems: resource.problems.map((p) => ({ ...p, env, resource: name })) };
    // The result depends only on the resource's own files, so their blob ids identify it across commits.
    const key = `rendered\0${env}\0${name}\0${resource.source.kind}\0${resource.blobs.join(',')}`;
    const hit = cache.get(key) as RenderedResource | undefined;
    if (hit) return hit;
    const result = renderUncached(snapshot, resource, cache);
    cache.set(key, result);
    return result;
  } catch (error) {
    return { ok: false, env, name, problems: [{ ...internalErrorProblem(mainFile(resource), error), env, resource: name }] };
  }
}

/** The file a user opens first for a resource: its deployable, or its base (its version file when it has none). */
function mainFile(resource: Resource): string {
  const { source } = resource;
  if (source.kind === 'deployable') return source.file;
  return source.kind === 'versionOnly' ? source.versionFile : source.baseFile;
}

/** Renders one resource from its files. */
function renderUncached(snapshot: SnapshotWithFiles, resource: Resource, cache: ParseCache): RenderedResource {
  const { env, name, source } = resource;
  const fail = (problems: Problem[]): RenderedResource => ({ ok: false, env, name, problems: problems.map((p) => ({ ...p, env, resource: name })) });
  if (source.kind === 'versionOnly') {
    return fail([{ file: source.versionFile, severity: 'error', code: 'missing-base', message: `version file has no base; add ${env}/base/${name}.yaml` }]);
  }
  if (source.kind === 'unreleased') return { ok: true, env, name, manifests: [], sourceFiles: [source.baseFile] };
  const file = source.kind === 'deployable' ? source.file : source.baseFile;
  const parsed = parseCached(snapshot, file, cache);
  if ('problems' in parsed) return fail(parsed.problems);
  const problems: Problem[] = [];
  const manifests: Manifest[] = [];
  for (const prepared of parsed.documents) {
    const { doc } = prepared;
    let value: YamlValue | undefined = prepared.value;
    if (source.kind === 'template') {
      if (!resource.version) return fail([{ file: source.versionFile, severity: 'error', code: 'bad-version-file', message: 'version file is not usable (see the problem reported for it)' }]);
      const filled = fillDocument(parsed.yaml, prepared, resource.version);
      // Both name a value of the version file: say which file, so the user knows where to look.
      const fromVersion = (p: Problem) => p.code === 'missing-key' || p.code === 'not-embeddable';
      problems.push(...filled.problems.map((p) => (fromVersion(p) ? { ...p, message: `${p.message} (${source.versionFile})` } : p)));
      value = filled.value;
    }
    if (prepared.problem) problems.push(prepared.problem);
    else if (value !== null && value !== undefined) {
      const shape = checkManifest(value);
      if (shape) problems.push(problemAt(parsed.yaml, doc.contents, 'bad-manifest', shape));
      else manifests.push(value as Manifest);
    }
  }
  if (problems.length > 0) return fail(problems);
  const sourceFiles = source.kind === 'template' ? [source.baseFile, source.versionFile] : [source.file];
  return { ok: true, env, name, ...(resource.version ? { version: resource.version.version } : {}), manifests, sourceFiles };
}

/** A file's documents parsed once per blob, each with its plain value and placeholder slots. */
interface ParsedManifestFile {
  yaml: YamlFile;
  documents: Array<PreparedDocument & { doc: Document.Parsed; problem?: Problem }>;
}

/** Parses a manifest file once per blob. */
function parseCached(snapshot: SnapshotWithFiles, path: string, cache: ParseCache): ParsedManifestFile | { problems: Problem[] } {
  const file = snapshot.files.files.get(path);
  if (!file) return { problems: [{ file: path, severity: 'error', code: 'missing-file', message: 'file disappeared from the snapshot' }] };
  const key = `manifest\0${path}\0${file.oid}`;
  const hit = cache.get(key) as ParsedManifestFile | { problems: Problem[] } | undefined;
  if (hit) return hit;
  const text = decodeText(file);
  let result: ParsedManifestFile | { problems: Problem[] };
  if (typeof text !== 'string') result = { problems: [text] };
  else {
    const yaml = parseYamlFile(path, text);
    result = yaml.problems.length > 0 ? { problems: yaml.problems } : { yaml, documents: yaml.documents.filter((doc) => doc.contents !== null).map((doc) => prepare(yaml, doc)) };
  }
  cache.set(key, result);
  return result;
}

/** Converts a document to its plain value once and finds its placeholders. */
function prepare(yaml: YamlFile, doc: Document.Parsed): PreparedDocument & { doc: Document.Parsed; problem?: Problem } {
  const { value, problem } = documentValue(yaml, doc);
  return { doc, value: value ?? null, slots: findPlaceholderSlots(doc), ...(problem ? { problem } : {}) };
}

/** Fills a prepared document; documents with aliases take the slower node-level path. */
function fillDocument(yaml: YamlFile, prepared: PreparedDocument & { doc: Document.Parsed }, data: VersionData): { value: YamlValue | undefined; problems: Problem[] } {
  if (prepared.slots) return fillSlots(yaml, prepared.value, prepared.slots, data);
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
