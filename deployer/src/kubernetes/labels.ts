// Cascade's marks on every object it applies: labels to find them again, annotations to know what is live.
import type { Manifest, YamlValue } from '@cascade/common';
import { merged } from '@cascade/common';
import { canonicalJson, sha256 } from '../content/canonical-json.ts';

/** Label naming the Cascade installation that applied an object (`deployer.installation`), so installations sharing a cluster stay apart. */
export const INSTALLATION_LABEL = 'cascade.dev/installation';
/** Label naming the environment an object was applied for. */
export const ENV_LABEL = 'cascade.dev/env';
/** Label naming the resource an object belongs to, encoded as a label value (see `encodeResourceLabel`). */
export const RESOURCE_LABEL = 'cascade.dev/resource';
/** Annotation with the exact resource name, since the label value cannot hold `/`. */
export const RESOURCE_ANNOTATION = 'cascade.dev/resource';
/** Annotation with the sha256 of what Cascade applied, so unchanged objects are not applied again. */
export const CONTENT_HASH_ANNOTATION = 'cascade.dev/content-hash';
/** Annotation with the repo commit the object was last applied from. */
export const COMMIT_ANNOTATION = 'cascade.dev/commit';
/** Annotation with the resource's version, read back after a restart to know what is deployed. */
export const VERSION_ANNOTATION = 'cascade.dev/version';
/** Annotation with the repo file(s) the object came from, comma-separated. */
export const SOURCE_FILE_ANNOTATION = 'cascade.dev/source-file';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Encodes a resource name (`shop/cart`) as a label value (`shop.cart`).
 * Resource names are `[a-z0-9._-]` segments joined by `/`, so replacing `/` keeps a valid value;
 * names longer than 63 characters keep a prefix and a hash, since label values are bounded.
 */
export function encodeResourceLabel(resource: string): string {
  const dotted = resource.replaceAll('/', '.');
  if (dotted.length <= 63 && LABEL_VALUE.test(dotted)) return dotted;
  const hash = sha256(resource).slice(0, 10);
  const prefix = dotted.slice(0, 63 - hash.length - 1).replace(/[^A-Za-z0-9]+$/, '');
  return `${prefix}-${hash}`;
}

/**
 * The label selector matching every object this installation applied for one environment. Environment names
 * repeat across installations (every repo has a `dev`), so the installation is part of it.
 */
export function environmentSelector(installation: string, env: string): string {
  return `${INSTALLATION_LABEL}=${installation},${ENV_LABEL}=${env},${RESOURCE_LABEL}`;
}

/** What Cascade knows about the origin of an object it is about to apply. */
export interface ObjectOrigin {
  installation: string;
  env: string;
  resource: string;
  version?: string;
  sourceFiles: string[];
  commit: string;
}

/** An object ready to apply, with the hash that decides whether applying it changes anything. */
export interface MarkedObject {
  object: Manifest;
  contentHash: string;
  /** The part the hash covers (no hash or commit annotation): what self-heal compares with the live object. */
  hashed: Manifest;
}

/**
 * Adds Cascade's labels and annotations to a rendered object, without changing the input.
 * The content hash covers the object with its labels and the version/resource/source annotations,
 * i.e. everything applied except the hash and commit annotations: a new commit that leaves the
 * object as it is must not re-apply it, while a new version string must, so the annotation stays true.
 */
export function markObject(rendered: Manifest, origin: ObjectOrigin): MarkedObject {
  const hashed = hashObject(rendered, origin);
  return { ...hashed, object: stampCommit(hashed, origin.commit) };
}

/** An object's origin without the commit: everything its hashed part is built from besides the object. */
export type MarkOrigin = Omit<ObjectOrigin, 'commit'>;

/** The part of markObject that does not depend on the commit, so a plan can keep it from one commit to the next. */
export function hashObject(rendered: Manifest, origin: MarkOrigin): Omit<MarkedObject, 'object'> {
  const hashed = hashedPart(rendered, origin);
  return { hashed, contentHash: sha256(canonicalJson(hashed)) };
}

/**
 * The part of an object its content hash covers: the object with Cascade's labels and the resource, source and
 * version annotations. Built again whenever it is needed rather than kept: it is the same for the same inputs.
 */
export function hashedPart(rendered: Manifest, origin: MarkOrigin): Manifest {
  const metadata = asRecord(rendered.metadata);
  // Built with merged, so that the objects of every environment share their hidden classes.
  const annotations: Record<string, YamlValue> = merged(asRecord(metadata.annotations), {
    [RESOURCE_ANNOTATION]: origin.resource,
    [SOURCE_FILE_ANNOTATION]: origin.sourceFiles.join(','),
    ...(origin.version === undefined ? {} : { [VERSION_ANNOTATION]: origin.version }),
  });
  const labels = merged(asRecord(metadata.labels), { [INSTALLATION_LABEL]: origin.installation, [ENV_LABEL]: origin.env, [RESOURCE_LABEL]: encodeResourceLabel(origin.resource) });
  return { ...rendered, metadata: merged(metadata, { labels, annotations }) };
}

/** The object to apply: the hashed part plus the hash and commit annotations. */
export function stampCommit(marked: Omit<MarkedObject, 'object'>, commit: string): Manifest {
  const metadata = asRecord(marked.hashed.metadata);
  const annotations = merged(asRecord(metadata.annotations), { [CONTENT_HASH_ANNOTATION]: marked.contentHash, [COMMIT_ANNOTATION]: commit });
  return { ...marked.hashed, metadata: merged(metadata, { annotations }) };
}

/** Reads one of Cascade's annotations from a live object, if present. */
export function readAnnotation(object: Manifest, key: string): string | undefined {
  const value = asRecord(asRecord(object.metadata).annotations)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Reads a label from a live object, if present. */
export function readLabel(object: Manifest, key: string): string | undefined {
  const value = asRecord(asRecord(object.metadata).labels)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Treats a YAML value as a map, or an empty one when it is not a map. */
export function asRecord(value: YamlValue | undefined): Record<string, YamlValue> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
