// Rendering an environment: every resource turned into the manifests to apply, or its problems.
import type { Document } from 'yaml';
import type { Problem } from './problem.ts';
import type { Manifest, RenderedResource, Resource } from './types.ts';
import type { ParseCache, SnapshotWithFiles } from './snapshot.ts';
import { decodeText } from './snapshot.ts';
import { substitutePlaceholders } from './merge.ts';
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

/** Renders one resource; problems are collected, never thrown. */
export function renderResource(snapshot: SnapshotWithFiles, resource: Resource, cache: ParseCache = new Map()): RenderedResource {
  // The result depends only on the resource's own files, so their blob ids identify it across commits.
  const key = `rendered\0${resource.env}\0${resource.name}\0${resource.source.kind}\0${resource.blobs.join(',')}`;
  const hit = cache.get(key) as RenderedResource | undefined;
  if (hit) return hit;
  const result = renderUncached(snapshot, resource, cache);
  cache.set(key, result);
  return result;
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
  for (const original of parsed.yaml.documents) {
    if (original.contents === null) continue;
    let doc: Document = original;
    if (source.kind === 'template') {
      if (!resource.version) return fail([{ file: source.versionFile, severity: 'error', code: 'bad-version-file', message: 'version file is not usable (see the problem reported for it)' }]);
      doc = original.clone();
      const versionFile = source.versionFile;
      const found = substitutePlaceholders(parsed.yaml, doc, resource.version);
      problems.push(...found.map((p) => (p.code === 'missing-key' ? { ...p, message: `${p.message} (${versionFile})` } : p)));
    }
    const { value, problem } = documentValue(parsed.yaml, doc as Document.Parsed);
    if (problem) problems.push(problem);
    else if (value !== null && value !== undefined) {
      const shape = checkManifest(value);
      if (shape) problems.push(problemAt(parsed.yaml, original.contents, 'bad-manifest', shape));
      else manifests.push(value as Manifest);
    }
  }
  if (problems.length > 0) return fail(problems);
  const sourceFiles = source.kind === 'template' ? [source.baseFile, source.versionFile] : [source.file];
  return { ok: true, env, name, ...(resource.version ? { version: resource.version.version } : {}), manifests, sourceFiles };
}

/** Parses a manifest file once per blob. */
function parseCached(snapshot: SnapshotWithFiles, path: string, cache: ParseCache): { yaml: YamlFile } | { problems: Problem[] } {
  const file = snapshot.files.files.get(path);
  if (!file) return { problems: [{ file: path, severity: 'error', code: 'missing-file', message: 'file disappeared from the snapshot' }] };
  const key = `manifest\0${path}\0${file.oid}`;
  const hit = cache.get(key) as { yaml: YamlFile } | { problems: Problem[] } | undefined;
  if (hit) return hit;
  const text = decodeText(file);
  let result: { yaml: YamlFile } | { problems: Problem[] };
  if (typeof text !== 'string') result = { problems: [text] };
  else {
    const yaml = parseYamlFile(path, text);
    result = yaml.problems.length > 0 ? { problems: yaml.problems } : { yaml };
  }
  cache.set(key, result);
  return result;
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
