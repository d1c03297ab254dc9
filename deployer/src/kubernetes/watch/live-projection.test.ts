// The watch cache keeps a projection of each live object: every reader of live objects must answer the same for the
// projection as for the whole object. Checked on seeded random objects, with a few cases spelled out.
import { describe, expect, it } from 'vitest';
import type { Manifest, YamlValue } from '@cascade/common';
import { type Prng, createPrng } from '@cascade/common/testing';
import { findDrift } from '../drift.ts';
import { adoptInventory, notPrunable } from '../inventory.ts';
import { CONTENT_HASH_ANNOTATION, ENV_LABEL, INSTALLATION_LABEL, RESOURCE_ANNOTATION, RESOURCE_LABEL, VERSION_ANNOTATION, readAnnotation } from '../labels.ts';
import { refOf } from '../object-key.ts';
import { rolloutStatus } from '../rollout.ts';
import { SharedFieldRecords, projected } from './live-projection.ts';

const KINDS = [
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['apps/v1', 'DaemonSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
] as const;

/** A number, sometimes missing or of the wrong type, as hand-edited or odd objects have them. */
function count(random: Prng): YamlValue | undefined {
  return random.pick([undefined, 0, 1, 2, 3, 5, '2', null]);
}

function maybe(random: Prng, into: Record<string, YamlValue>, key: string, value: YamlValue | undefined): void {
  if (value !== undefined && random.chance(0.7)) into[key] = value;
}

/** The spec a random object of `kind` is applied with. */
function randomSpec(random: Prng, kind: string): Record<string, YamlValue> {
  const spec: Record<string, YamlValue> = {};
  if (kind === 'ConfigMap' || kind === 'Secret') return spec;
  maybe(random, spec, 'replicas', count(random));
  const strategy: Record<string, YamlValue> = {};
  maybe(random, strategy, 'type', random.pick(['RollingUpdate', 'OnDelete', 'Recreate']));
  maybe(random, strategy, 'rollingUpdate', { partition: count(random) ?? 0 });
  maybe(random, spec, 'updateStrategy', strategy);
  maybe(random, spec, 'selector', { matchLabels: { app: random.pick(['a', 'b']) } });
  maybe(random, spec, 'template', { spec: { containers: [{ name: 'app', image: `img:${random.int(3)}` }] } });
  maybe(random, spec, 'ports', [{ port: 80 + random.int(2), protocol: 'TCP' }]);
  return spec;
}

function randomStatus(random: Prng): Record<string, YamlValue> {
  const status: Record<string, YamlValue> = {};
  for (const field of ['observedGeneration', 'replicas', 'updatedReplicas', 'availableReplicas', 'readyReplicas', 'desiredNumberScheduled', 'updatedNumberScheduled', 'numberAvailable', 'active', 'succeeded']) {
    maybe(random, status, field, count(random));
  }
  maybe(random, status, 'updateRevision', random.pick(['r1', 'r2']));
  maybe(random, status, 'currentRevision', random.pick(['r1', 'r2']));
  const conditions: YamlValue[] = [];
  for (const type of ['Progressing', 'Failed', 'Complete', 'Available']) {
    if (random.chance(0.3)) conditions.push({ type, status: random.pick(['True', 'False']), reason: random.pick(['ProgressDeadlineExceeded', 'NewReplicaSetAvailable']), message: `m${random.int(3)}` });
  }
  maybe(random, status, 'conditions', conditions);
  return status;
}

/** Cascade's field set for `applied`, with some fields left out (taken by another manager) at random. */
function fieldSet(random: Prng, value: YamlValue | undefined): Record<string, YamlValue> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const fields: Record<string, YamlValue> = {};
  for (const [key, item] of Object.entries(value)) if (random.chance(0.85)) fields[`f:${key}`] = fieldSet(random, item);
  return fields;
}

/** A random live object and the object Cascade applied for it. */
function randomPair(random: Prng): { live: Manifest; applied: Manifest } {
  const [apiVersion, kind] = random.pick(KINDS);
  const labels: Record<string, YamlValue> = { app: 'a' };
  maybe(random, labels, INSTALLATION_LABEL, random.pick(['cascade', 'other']));
  maybe(random, labels, ENV_LABEL, random.pick(['dev', 'prod']));
  maybe(random, labels, RESOURCE_LABEL, 'shop.cart');
  const annotations: Record<string, YamlValue> = {};
  maybe(random, annotations, CONTENT_HASH_ANNOTATION, random.pick(['h1', 'h2']));
  maybe(random, annotations, VERSION_ANNOTATION, random.pick(['1.0.0', '1.1.0']));
  maybe(random, annotations, RESOURCE_ANNOTATION, random.pick(['shop/cart', 'shop/other']));
  maybe(random, annotations, 'kubectl.kubernetes.io/last-applied-configuration', '{"big":"json"}');
  maybe(random, annotations, 'deployment.kubernetes.io/revision', '3');
  const spec = randomSpec(random, kind);
  const applied: Manifest = { apiVersion, kind, metadata: { name: 'cart', namespace: 'dev', labels, annotations }, spec };
  if (kind === 'ConfigMap' || kind === 'Secret') applied.data = { key: random.pick(['one', 'two']) };
  const live = structuredClone(applied);
  // Someone else changed a field, or added one.
  if (random.chance(0.3)) live.spec = { ...spec, replicas: 9, extra: true };
  if (random.chance(0.2)) live.data = { key: 'edited', added: 'x' };
  const metadata = live.metadata as Record<string, YamlValue>;
  Object.assign(metadata, { uid: `u${random.int(100)}`, resourceVersion: String(random.int(1000)), creationTimestamp: '2026-12-01T00:00:00Z' });
  maybe(random, metadata, 'generation', count(random));
  maybe(random, metadata, 'ownerReferences', random.pick([[], [{ kind: 'ReplicaSet', name: 'x' }]]));
  maybe(random, metadata, 'deletionTimestamp', '2026-12-01T00:00:01Z');
  const entries: YamlValue[] = [];
  if (random.chance(0.8)) {
    entries.push({ manager: 'cascade', operation: random.pick(['Apply', 'Apply', 'Update']), apiVersion, time: '2026-12-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: fieldSet(random, { metadata: { labels, annotations }, spec, ...(applied.data === undefined ? {} : { data: applied.data }) }) });
  }
  if (random.chance(0.3)) entries.push({ manager: 'cascade', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': {} } });
  if (random.chance(0.5)) entries.push({ manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } });
  if (entries.length > 0 || random.chance(0.5)) metadata.managedFields = entries;
  if (kind !== 'ConfigMap' && kind !== 'Secret' && random.chance(0.9)) live.status = randomStatus(random);
  return { live, applied };
}

describe('projected live objects', () => {
  it('answer every reader of live objects as the whole object does (seeded random objects)', () => {
    const random = createPrng(20261204);
    const records = new SharedFieldRecords();
    for (let round = 0; round < 3000; round++) {
      const { live, applied } = randomPair(random);
      const kept = projected(structuredClone(live), records);
      const at = `round ${round}: ${JSON.stringify(live)}`;
      expect(refOf(kept), at).toEqual(refOf(live));
      expect(rolloutStatus(kept), at).toEqual(rolloutStatus(live));
      expect(findDrift(applied, kept), at).toEqual(findDrift(applied, live));
      for (const resource of ['shop/cart', 'shop/other']) {
        const entry = { ref: refOf(live)!, resource };
        expect(notPrunable(kept, entry, 'cascade', 'dev'), at).toEqual(notPrunable(live, entry, 'cascade', 'dev'));
      }
      expect(adoptInventory([kept], 'cascade', 'dev'), at).toEqual(adoptInventory([live], 'cascade', 'dev'));
      for (const annotation of [CONTENT_HASH_ANNOTATION, VERSION_ANNOTATION, RESOURCE_ANNOTATION]) expect(readAnnotation(kept, annotation), at).toEqual(readAnnotation(live, annotation));
      expect((kept.metadata as Record<string, YamlValue>).resourceVersion, at).toBe((live.metadata as Record<string, YamlValue>).resourceVersion);
    }
  });

  it("keeps no spec, data or other tools' annotations of an object Cascade applied, and no Secret values", () => {
    const secret: Manifest = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'dev',
        uid: 'u1',
        resourceVersion: '7',
        annotations: { [CONTENT_HASH_ANNOTATION]: 'h', 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}' },
        managedFields: [{ manager: 'cascade', operation: 'Apply', apiVersion: 'v1', time: '2026-12-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:password': {} } } }],
      },
      type: 'Opaque',
      data: { password: 'c2VjcmV0' },
    };
    const kept = projected(secret, new SharedFieldRecords());
    expect(kept).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'dev', resourceVersion: '7', annotations: { [CONTENT_HASH_ANNOTATION]: 'h' }, managedFields: [{ manager: 'cascade', operation: 'Apply', fieldsV1: { 'f:data': { 'f:password': {} } } }] },
    });
    expect(JSON.stringify(kept)).not.toContain('c2VjcmV0');
  });

  it('keeps an object without Cascade\'s apply record whole, less other managers\' records, for comparing values', () => {
    const live: Manifest = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'dev', managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:data': {} } }] },
      data: { key: 'value' },
    };
    expect(projected(structuredClone(live), new SharedFieldRecords())).toEqual({ ...live, metadata: { name: 'a', namespace: 'dev', managedFields: [] } });
    const plain: Manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: {} };
    expect(projected(plain, new SharedFieldRecords())).toBe(plain);
  });

  it('shares one frozen record between objects owned alike, and keeps different ones apart', () => {
    const records = new SharedFieldRecords();
    const object = (name: string, fields: Record<string, YamlValue>): Manifest => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, resourceVersion: '1', managedFields: [{ manager: 'cascade', operation: 'Apply', time: `2026-12-01T00:00:0${name.length}Z`, fieldsV1: fields }] },
    });
    const recordOf = (m: Manifest) => (m.metadata as { managedFields: unknown }).managedFields;
    const a = projected(object('a', { 'f:data': { 'f:key': {} } }), records);
    const b = projected(object('bb', { 'f:data': { 'f:key': {} } }), records);
    const c = projected(object('c', { 'f:data': { 'f:other': {} } }), records);
    expect(recordOf(a)).toBe(recordOf(b));
    expect(recordOf(c)).not.toBe(recordOf(a));
    expect(recordOf(c)).toEqual([{ manager: 'cascade', operation: 'Apply', fieldsV1: { 'f:data': { 'f:other': {} } } }]);
    expect(Object.isFrozen(recordOf(a))).toBe(true);
    expect(() => ((recordOf(a) as Array<Record<string, YamlValue>>)[0]!.fieldsV1 as Record<string, YamlValue>)['f:spec'] = {}).toThrow();
  });
});
