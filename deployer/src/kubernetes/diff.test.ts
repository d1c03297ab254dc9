import { describe, expect, it } from 'vitest';
import { buildDiff, changedPaths, secretChanges } from './diff.ts';
import type { ApplyPlan } from './plan.ts';

describe('changedPaths', () => {
  it('finds changed, added and removed leaves', () => {
    expect(changedPaths({ a: 1, b: { c: [1, 2] }, d: 'x' }, { a: 1, b: { c: [1, 3] }, e: 'y' })).toEqual(['b.c[1]', 'd', 'e']);
    expect(changedPaths({ l: [1] }, { l: [1, 2] })).toEqual(['l']);
  });
});

describe('buildDiff', () => {
  it('lists creates, changes with their fields, and prunes, ignoring server-managed fields', () => {
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'cart', namespace: 'dev' };
    const old = { apiVersion: 'v1', kind: 'ConfigMap', name: 'old', namespace: 'dev' };
    const plan: ApplyPlan = {
      apply: [
        { stage: 'objects', resource: 'shop/cart', ref, key: 'apps/Deployment/dev/cart', object: {}, contentHash: 'h', reason: 'change' },
        { stage: 'objects', resource: 'shop/new', ref: { ...ref, name: 'new' }, key: 'apps/Deployment/dev/new', object: {}, contentHash: 'h', reason: 'create' },
      ],
      unchanged: [],
      prune: [{ resource: 'shop/old', ref: old, entry: { ref: old, resource: 'shop/old' } }],
      retain: new Map(),
      forgotten: [],
      errors: [],
      settled: new Map(),
      retainIsInventory: false,
    };
    const live = [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart', namespace: 'dev', resourceVersion: '1', annotations: { 'cascade.dev/commit': 'a' } }, spec: { replicas: 1 }, status: { replicas: 1 } }];
    const dryRun = new Map([['apps/Deployment/dev/cart', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart', namespace: 'dev', resourceVersion: '2', annotations: { 'cascade.dev/commit': 'b' } }, spec: { replicas: 3 } }]]);
    expect(buildDiff('dev', 'c2', plan, live, dryRun, []).entries).toEqual([
      { action: 'change', resource: 'shop/cart', object: 'Deployment dev/cart', changes: ['spec.replicas'] },
      { action: 'create', resource: 'shop/new', object: 'Deployment dev/new' },
      { action: 'prune', resource: 'shop/old', object: 'ConfigMap dev/old' },
    ]);
  });
});

describe('secretChanges', () => {
  it('shows a Secret\'s payload only as changed, whichever keys changed', () => {
    expect(secretChanges(['data.password', 'stringData.API_KEY', 'metadata.labels.app', 'data'])).toEqual(['data', 'metadata.labels.app']);
  });
});
