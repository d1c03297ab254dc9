// What the deployer keeps of a live object between passes: the fields that planning, self-heal, prune, rollout and
// status read, and nothing else. Specs, data, other tools' annotations and the API server's bookkeeping were most of
// the deployer's memory at thousands of objects, and a Secret's values have no business staying in memory. No I/O.
import { createHash } from 'node:crypto';
import type { Manifest, YamlValue } from '@cascade/common';
import { GenerationalCache, ValueInterner } from '@cascade/common';
import { FIELD_MANAGER } from '../client.ts';
import { cascadeApplyRecord } from '../drift.ts';
import { CONTENT_HASH_ANNOTATION, RESOURCE_ANNOTATION, VERSION_ANNOTATION, asRecord } from '../labels.ts';
import { rolloutPart } from '../rollout.ts';

/** The metadata fields read of a live object: identity, state, owners, deletion, and Cascade's labels and annotations. */
const KEPT_METADATA = ['name', 'namespace', 'resourceVersion', 'generation', 'deletionTimestamp', 'ownerReferences', 'labels'] as const;

/** The annotations read of a live object (status, prune, adoption): Cascade's content hash, version and resource. */
const KEPT_ANNOTATIONS = [CONTENT_HASH_ANNOTATION, VERSION_ANNOTATION, RESOURCE_ANNOTATION] as const;

/** Distinct field-ownership records a generation of the table holds before the next starts. */
const RECORDS_PER_GENERATION = 50_000;

/**
 * Shares equal field-ownership records between live objects. Objects applied from one base in every environment, or
 * from one template for many services, are owned field for field alike, and the record (a tree of one map per field)
 * was the largest part of each kept object. Keyed by a SHA-256 of the record, so the table holds no copy of it; two
 * generations, so it stays bounded however many distinct records pass through (a record dropped is only shared less).
 */
export class SharedFieldRecords {
  private readonly records = new GenerationalCache();
  private added = 0;

  /** `interner` shares the records' field names with the objects' strings. */
  constructor(private readonly interner: ValueInterner = new ValueInterner()) {}

  /** A frozen `managedFields` list holding just Cascade's apply `record` (manager, operation, fields), shared with equal ones. */
  share(record: Record<string, YamlValue>): readonly YamlValue[] {
    const compact: Record<string, YamlValue> = { manager: FIELD_MANAGER, operation: 'Apply', fieldsV1: record.fieldsV1! };
    const key = createHash('sha256').update(JSON.stringify(compact.fieldsV1)).digest('base64');
    const hit = this.records.get(key) as readonly YamlValue[] | undefined;
    if (hit !== undefined) return hit;
    const shared = Object.freeze([this.interner.internInPlace(compact, { freeze: true })]);
    if (++this.added >= RECORDS_PER_GENERATION) {
      this.records.nextRound();
      this.added = 0;
    }
    this.records.set(key, shared);
    return shared;
  }
}

/**
 * What the watch cache keeps of `object` (freshly parsed, the caller's own): apiVersion, kind, the metadata listed in
 * KEPT_METADATA, the annotations in KEPT_ANNOTATIONS, Cascade's apply record (shared, see SharedFieldRecords) and what the rollout
 * reads (see rolloutPart). An object without Cascade's apply record is kept whole, less other managers' records:
 * self-heal then compares its values (see findDrift).
 */
export function projected(object: Manifest, records: SharedFieldRecords): Manifest {
  const metadata = asRecord(object.metadata);
  const record = cascadeApplyRecord(object);
  const { apiVersion, kind } = object;
  if (record === undefined || apiVersion === undefined || kind === undefined) return withoutOthersRecords(object, metadata);
  const keptMetadata: Record<string, YamlValue> = {};
  for (const field of KEPT_METADATA) if (metadata[field] !== undefined) keptMetadata[field] = metadata[field];
  const annotations = keptAnnotations(metadata.annotations);
  if (annotations !== undefined) keptMetadata.annotations = annotations;
  keptMetadata.managedFields = records.share(record) as YamlValue[];
  const kept: Manifest = { apiVersion, kind, metadata: keptMetadata };
  const { spec, status } = rolloutPart(object);
  if (spec !== undefined) kept.spec = spec;
  if (status !== undefined) kept.status = status;
  return kept;
}

/** The annotations in KEPT_ANNOTATIONS that `value` has; undefined when it has none. */
function keptAnnotations(value: YamlValue | undefined): Record<string, YamlValue> | undefined {
  const annotations = asRecord(value);
  let kept: Record<string, YamlValue> | undefined;
  for (const key of KEPT_ANNOTATIONS) {
    if (annotations[key] === undefined) continue;
    kept ??= {};
    kept[key] = annotations[key];
  }
  return kept;
}

/**
 * Gives a kept object (`kept`, the caller's own and not frozen) the very strings of the annotations that the state
 * before (`before`) held equal. An object keeps its content hash through its status changes, and its plan holds the
 * same string (see planApply): one copy rather than one per state and one more in the plan, some 10 MB at
 * 10,000 × 4. A hash is each object's own, so no string table would share it.
 */
export function keepEqualAnnotations(kept: Manifest, before: Manifest | undefined): void {
  if (before === undefined) return;
  const annotations = asRecord(asRecord(kept.metadata).annotations);
  const earlier = asRecord(asRecord(before.metadata).annotations);
  for (const key of KEPT_ANNOTATIONS) {
    const value = earlier[key];
    if (value !== undefined && annotations[key] === value) annotations[key] = value;
  }
}

/** The object less other managers' entries in `metadata.managedFields` (the controllers' records of status and defaults). */
function withoutOthersRecords(object: Manifest, metadata: Record<string, YamlValue>): Manifest {
  const entries = metadata.managedFields;
  if (!Array.isArray(entries)) return object;
  const own = entries.filter((entry) => asRecord(entry).manager === FIELD_MANAGER);
  return own.length === entries.length ? object : { ...object, metadata: { ...metadata, managedFields: own } };
}
