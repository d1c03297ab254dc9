// Self-heal: finds fields someone changed by hand since Cascade applied an object. No I/O.
import type { Manifest, YamlValue } from '@cascade/common';
import { FIELD_MANAGER } from './client.ts';
import { asRecord } from './labels.ts';

/** A managedFields `fieldsV1` set: `f:<field>`, `k:<json keys>` (list item by key), `v:<json>` (set member), `.` (the node itself). */
type FieldSet = { [key: string]: FieldSet };

/**
 * Paths of fields Cascade applies that it no longer manages on the live object, e.g. `spec.replicas`.
 * The API server records which manager owns each field (managedFields): a field someone else changed moves
 * to them, while what others only add (a sidecar a webhook injects, an annotation a controller sets, a
 * defaulted value) never touches Cascade's set. So drift is read from ownership, not from comparing values,
 * and a longer list is not drift. Objects without Cascade's record fall back to comparing values.
 */
export function findDrift(applied: Manifest, live: Manifest): string[] {
  const fields = cascadeFieldSet(live);
  const compared = managedPart(applied);
  return fields === undefined ? valueDrift(compared, managedPart(live), '') : uncovered(compared, fields, '');
}

/** The field set of Cascade's server-side apply on the object itself (not a subresource), if the server kept one. */
function cascadeFieldSet(live: Manifest): FieldSet | undefined {
  return cascadeApplyRecord(live)?.fieldsV1 as FieldSet | undefined;
}

/**
 * The managedFields entry self-heal reads: Cascade's server-side apply on the object itself (not a subresource),
 * with a field set. Without one, drift is found by comparing values, so the whole live object is needed.
 */
export function cascadeApplyRecord(live: Manifest): Record<string, YamlValue> | undefined {
  const entries = asRecord(live.metadata).managedFields;
  if (!Array.isArray(entries)) return undefined;
  const entry = entries.map((e) => asRecord(e)).find((e) => e.manager === FIELD_MANAGER && e.operation === 'Apply' && (e.subresource === undefined || e.subresource === ''));
  const fields = entry?.fieldsV1;
  return fields !== null && typeof fields === 'object' && !Array.isArray(fields) ? entry : undefined;
}

/** What self-heal compares: everything but identity, status, and metadata other than labels and annotations. */
function managedPart(object: Manifest): { [key: string]: YamlValue } {
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = object;
  const { labels, annotations } = asRecord(metadata);
  const kept: { [key: string]: YamlValue } = {};
  if (labels !== undefined) kept['labels'] = labels;
  if (annotations !== undefined) kept['annotations'] = annotations;
  return { metadata: kept, ...rest };
}

/** Paths in `value` that `fields` does not cover. */
function uncovered(value: YamlValue | undefined, fields: FieldSet, path: string): string[] {
  if (value === null || value === undefined || typeof value !== 'object') return [];
  const keys = Object.keys(fields);
  if (Array.isArray(value)) {
    if (keys.some((k) => k.startsWith('k:'))) {
      return value.flatMap((item, index) => {
        const child = keys.find((k) => k.startsWith('k:') && keyMatches(k, item));
        return child === undefined ? [`${path}[${index}]`] : uncovered(item, fields[child] as FieldSet, `${path}[${index}]`);
      });
    }
    if (keys.some((k) => k.startsWith('v:'))) {
      return value.flatMap((item, index) => (keys.includes(`v:${JSON.stringify(item)}`) ? [] : [`${path}[${index}]`]));
    }
    // An atomic list: owned as a whole, so a change by anyone else would have taken it.
    return [];
  }
  // An atomic map or struct (a LabelSelector, say) is recorded without children; owning it means owning all of it.
  if (!keys.some((k) => k.startsWith('f:'))) return keys.length === 0 ? [] : [path === '' ? '.' : path];
  return Object.entries(value).flatMap(([key, item]) => {
    if (item === null || item === undefined) return [];
    const child = fields[`f:${key}`];
    const at = path === '' ? key : `${path}.${key}`;
    return child === undefined ? [at] : uncovered(item, child, at);
  });
}

/** True when a `k:{…}` entry names this list item: every key field the item sets is equal, and it sets at least one. */
function keyMatches(entry: string, item: YamlValue): boolean {
  let keyFields: Record<string, unknown>;
  try {
    keyFields = JSON.parse(entry.slice(2)) as Record<string, unknown>;
  } catch {
    return false;
  }
  const record = asRecord(item);
  let set = 0;
  for (const [field, expected] of Object.entries(keyFields)) {
    // A key field Cascade left out (a port's protocol) was defaulted by the server; it cannot tell items apart here.
    if (record[field] === undefined) continue;
    if (record[field] !== expected) return false;
    set++;
  }
  return set > 0;
}

/** Without ownership records: fields Cascade sets whose live value differs. Live lists may be longer (items others added). */
function valueDrift(applied: YamlValue | undefined, live: YamlValue | undefined, path: string): string[] {
  if (applied === null || typeof applied !== 'object') return applied === live ? [] : [path === '' ? '.' : path];
  if (Array.isArray(applied)) {
    if (!Array.isArray(live)) return [path];
    return applied.flatMap((item, index) => valueDrift(item, sameItem(item, live, index), `${path}[${index}]`));
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return [path === '' ? '.' : path];
  return Object.keys(applied).flatMap((key) => valueDrift(applied[key], live[key], path === '' ? key : `${path}.${key}`));
}

/** The live item to compare a list item with: the one of the same `name` when items are named, else the same index. */
function sameItem(item: YamlValue, live: YamlValue[], index: number): YamlValue | undefined {
  const name = asRecord(item).name;
  if (typeof name === 'string') return live.find((other) => asRecord(other).name === name);
  return live[index];
}
