import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { findDrift } from './drift.ts';

const applied: Manifest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'cart', namespace: 'dev', labels: { 'cascade.dev/env': 'dev' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'cart' } },
    template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'app', image: 'cart:1', ports: [{ containerPort: 8080 }] }] } },
  },
};

/** Cascade's field set as the API server records it after applying `applied`. */
const cascadeFields = {
  'f:metadata': { 'f:labels': { 'f:cascade.dev/env': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"app"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":8080,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } } },
    },
  },
};

/** A live Deployment with these managedFields entries and these spec changes. */
function live(entries: Array<{ manager: string; operation: string; fieldsV1: object; subresource?: string }>, spec: Manifest = {}): Manifest {
  const managedFields = entries.map((e) => ({ apiVersion: 'apps/v1', fieldsType: 'FieldsV1', ...e })) as unknown as Manifest[];
  return {
    ...applied,
    metadata: { ...(applied.metadata as object), uid: 'u', managedFields },
    spec: { ...(applied.spec as object), ...spec },
    status: { replicas: 2 },
  };
}

describe('findDrift from managed fields', () => {
  it('finds nothing while Cascade still owns every field it applied', () => {
    expect(findDrift(applied, live([{ manager: 'cascade', operation: 'Apply', fieldsV1: cascadeFields }]))).toEqual([]);
  });

  it('is not fooled by a sidecar another manager added, which makes the list longer', () => {
    const sidecar = { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"istio-proxy"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } };
    const spec = { template: { metadata: { labels: { app: 'cart' } }, spec: { containers: [{ name: 'app', image: 'cart:1' }, { name: 'istio-proxy', image: 'proxy:1' }] } } };
    expect(findDrift(applied, live([{ manager: 'cascade', operation: 'Apply', fieldsV1: cascadeFields }, { manager: 'sidecar-injector', operation: 'Update', fieldsV1: sidecar }], spec))).toEqual([]);
  });

  it('names each field someone else took over, such as replicas after kubectl scale or an image after kubectl edit', () => {
    const { 'f:replicas': _replicas, ...specWithoutReplicas } = cascadeFields['f:spec'];
    const app = cascadeFields['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}'];
    const { 'f:image': _image, ...appWithoutImage } = app;
    const fields = {
      ...cascadeFields,
      'f:spec': { ...specWithoutReplicas, 'f:template': { ...specWithoutReplicas['f:template'], 'f:spec': { 'f:containers': { 'k:{"name":"app"}': appWithoutImage } } } },
    };
    expect(findDrift(applied, live([{ manager: 'cascade', operation: 'Apply', fieldsV1: fields }, { manager: 'kubectl', operation: 'Update', fieldsV1: {}, subresource: 'scale' }]))).toEqual([
      'spec.replicas', 'spec.template.spec.containers[0].image',
    ]);
  });

  it('reads only the entry of Cascade applying the object itself', () => {
    const entries = [{ manager: 'cascade', operation: 'Update', fieldsV1: {} }, { manager: 'cascade', operation: 'Apply', fieldsV1: cascadeFields, subresource: 'status' }, { manager: 'cascade', operation: 'Apply', fieldsV1: cascadeFields }];
    expect(findDrift(applied, live(entries))).toEqual([]);
  });

  it('reports a list item that lost its entry, and a label someone removed', () => {
    const { 'f:metadata': _metadata, ...withoutMetadata } = cascadeFields;
    const fields = { ...withoutMetadata, 'f:spec': { ...cascadeFields['f:spec'], 'f:template': { ...cascadeFields['f:spec']['f:template'], 'f:spec': { 'f:containers': { 'k:{"name":"other"}': {} } } } } };
    expect(findDrift(applied, live([{ manager: 'cascade', operation: 'Apply', fieldsV1: fields }]))).toEqual(['metadata', 'spec.template.spec.containers[0]']);
  });
});

describe('findDrift without managed fields', () => {
  const bare = (spec: Manifest): Manifest => ({ ...applied, spec: { ...(applied.spec as object), ...spec } });

  it('ignores fields the server added and items others appended', () => {
    const containers: Manifest[] = [{ name: 'sidecar', image: 'proxy:1' }, { name: 'app', image: 'cart:1', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 8080, protocol: 'TCP' }] }];
    expect(findDrift(applied, bare({ strategy: {}, template: { metadata: { labels: { app: 'cart' } }, spec: { containers } } }))).toEqual([]);
  });

  it('names every changed field', () => {
    const containers = [{ name: 'app', image: 'cart:2', ports: [{ containerPort: 8080 }] }];
    expect(findDrift(applied, bare({ replicas: 5, template: { metadata: { labels: { app: 'cart' } }, spec: { containers } } }))).toEqual(['spec.replicas', 'spec.template.spec.containers[0].image']);
  });

  it('reports a missing map and never compares status', () => {
    const { spec: _spec, ...withoutSpec } = applied;
    expect(findDrift(applied, withoutSpec)).toEqual(['spec']);
    expect(findDrift({ ...applied, status: { x: 1 } }, { ...applied, status: { x: 2 } })).toEqual([]);
  });
});
