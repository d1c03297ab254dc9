// Writers for the files Cascade edits. They go through the yaml Document API so comments and the
// formatting people chose survive, and an edit changes only the lines it has to.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { findDuplicateKeys } from './duplicate-keys.ts';
import { portableStringTags } from './portable-strings.ts';
import type { TransitionState, YamlValue } from './types.ts';
import { MAX_YAML_NODES, overNodeCap } from './yaml-file.ts';

/** Writes a version file: `version` and the given fields set, every other key and comment kept. */
export function writeVersionFile(existing: string | undefined, version: string, fields: Record<string, YamlValue> = {}): string {
  const file = editableMap(existing);
  const { doc } = file;
  doc.set('version', version);
  for (const [key, value] of Object.entries(fields)) {
    if (key !== 'version') doc.set(key, value);
  }
  return finish(file);
}

/** Adds a lock reason to the environment (no resource) or to one resource; an existing reason is not repeated. */
export function addLockReason(existing: string | undefined, reason: string, resource?: string): string {
  const file = editableMap(existing);
  const { doc } = file;
  const path = resource === undefined ? ['env_lock', 'reasons'] : ['resource_locks', resource, 'reasons'];
  const reasons = doc.getIn(path);
  if (isSeq(reasons)) {
    if (!reasons.items.some((item) => scalarValue(item) === reason)) reasons.add(doc.createNode(reason));
  } else {
    doc.setIn(path, doc.createNode([reason], { flow: false }));
  }
  return finish(file);
}

/** Removes one reason (or all when `reason` is undefined); empty lock entries disappear. */
export function removeLockReason(existing: string | undefined, reason?: string, resource?: string): string {
  if (existing === undefined) return '';
  const file = editableMap(existing);
  const { doc } = file;
  const entryPath = resource === undefined ? ['env_lock'] : ['resource_locks', resource];
  const reasons = doc.getIn([...entryPath, 'reasons']);
  if (reason !== undefined && isSeq(reasons)) {
    reasons.items = reasons.items.filter((item) => scalarValue(item) !== reason);
    if (reasons.items.length > 0) return finish(file);
  }
  doc.deleteIn(entryPath);
  if (resource !== undefined) {
    const rest = doc.getIn(['resource_locks']);
    if (isMap(rest) && rest.items.length === 0) doc.delete('resource_locks');
  }
  return finish(file);
}

/** Records a transition's schedule state, leaving the other transitions' entries as they were. */
export function writeTransitionState(existing: string | undefined, name: string, state: TransitionState): string {
  const file = editableMap(existing);
  const { doc } = file;
  const entry: Record<string, string> = {};
  if (state.nextRun !== undefined) entry['nextRun'] = state.nextRun;
  if (state.lastRun !== undefined) entry['lastRun'] = state.lastRun;
  if (state.schedule !== undefined) entry['schedule'] = state.schedule;
  if (state.timezone !== undefined) entry['timezone'] = state.timezone;
  doc.setIn(['transitions', name], doc.createNode(entry));
  return finish(file);
}

/** The fields of a staging file Cascade writes; `null` removes a field, undefined leaves it as it is. */
export interface StagingFilePatch {
  kind?: string;
  tag?: string;
  versions?: Record<string, Record<string, YamlValue>> | null;
  app?: Record<string, string> | null;
  deployment?: Record<string, YamlValue> | null;
  state?: 'active' | 'archived' | 'cleanup';
  archivedAt?: string | null;
  updatedAt?: string | null;
  branch?: string | null;
}

/**
 * Writes a staging file: the given fields set, every other key and comment kept. An encrypted file whose MAC covers
 * its plain values too (sops without `mac_only_encrypted`) is refused: changing them would break the MAC, and only
 * the deployer holds the key that could compute it again.
 */
export function writeStagingFile(existing: string | undefined, patch: StagingFilePatch): string {
  const file = editableMap(existing);
  const { doc } = file;
  const sops = doc.get('sops');
  if (isMap(sops) && sops.get('mac_only_encrypted') !== true) {
    throw new UneditableFileError('it is SOPS-encrypted with a MAC over every value; re-encrypt it with mac_only_encrypted: true (cascade secrets encrypt does) so Cascade can change its plain fields');
  }
  const set = (path: string[], value: unknown) => {
    if (value === undefined) return;
    if (value === null) doc.deleteIn(path);
    else doc.setIn(path, doc.createNode(value));
  };
  set(['kind'], patch.kind);
  set(['tag'], patch.tag);
  set(['versions'], patch.versions);
  set(['overrides', 'app'], patch.app);
  set(['overrides', 'deployment'], patch.deployment);
  const overrides = doc.get('overrides');
  if (isMap(overrides) && overrides.items.length === 0) doc.delete('overrides');
  set(['state'], patch.state);
  set(['archivedAt'], patch.archivedAt);
  set(['updatedAt'], patch.updatedAt);
  set(['branch'], patch.branch);
  return finish(file);
}

/** A file parsed for editing: its document, edited in place, and the text and value it had before. */
interface EditableFile {
  doc: Document;
  existing: string | undefined;
  original: unknown;
}

/** Serializes an edited document, returning the original text untouched when nothing changed in substance. */
function finish({ doc, existing, original }: EditableFile): string {
  // An emptied file reads as "nothing locked"; an empty file says so better than a lone `{}`.
  if (isMap(doc.contents) && doc.contents.items.length === 0) return '';
  if (existing !== undefined && isDeepStrictEqual(doc.toJS(), original)) return existing;
  // No folding: long lines a person wrote stay one line, and a removal never makes the file larger.
  return doc.toString({ lineWidth: 0 });
}

/** Parses a file for editing; an empty, missing or non-map file starts as an empty map. */
function editableMap(existing: string | undefined): EditableFile {
  // The same bounds as reading: a crafted file is refused before it is composed, and duplicate keys are found in one
  // linear walk (the library's uniqueKeys check is quadratic in a map's size).
  if (existing !== undefined && overNodeCap(existing)) throw new UneditableFileError(`it has more than ${MAX_YAML_NODES.toLocaleString('en-US')} YAML nodes; shrink it first`);
  const doc: Document = parseDocument(existing ?? '', { uniqueKeys: false, customTags: portableStringTags });
  // Rewriting a broken file from scratch would silently drop what a person wrote there.
  if (doc.errors.length > 0) throw new UneditableFileError(`it is not valid YAML (${doc.errors[0]?.message.split('\n')[0]}); fix it first`);
  const [duplicate] = findDuplicateKeys(doc.contents);
  if (duplicate !== undefined) throw new UneditableFileError(`it is not valid YAML (the key ${JSON.stringify(String(duplicate.value)).slice(0, 80)} appears twice in one map); fix it first`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new UneditableFileError('it is not a YAML map; fix it first');
  // Its value before any edit, to tell an edit that changes nothing in substance (taken here: parsing it again costs
  // as much as the edit).
  const original = existing === undefined ? undefined : doc.toJS();
  if (doc.contents === null) doc.contents = doc.createNode({});
  return { doc, existing, original };
}

/** A file Cascade has to edit is broken in a way only a person should fix. */
export class UneditableFileError extends Error {
  /** Stable code for callers and API responses. */
  readonly code = 'uneditable-file';
  constructor(reason: string) {
    super(`cannot edit the file: ${reason}`);
    this.name = 'UneditableFileError';
  }
}

/** The value of a scalar node, or undefined for anything else. */
function scalarValue(item: unknown): unknown {
  return typeof item === 'object' && item !== null && 'value' in item ? (item as { value: unknown }).value : item;
}
