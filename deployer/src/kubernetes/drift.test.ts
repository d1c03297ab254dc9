import { describe, expect, it } from 'vitest';
import { findDrift } from './drift.ts';

describe('findDrift', () => {
  const applied = { metadata: { name: 'cart' }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'cart:1' }] } } } };

  it('ignores fields the server added', () => {
    const live = { metadata: { name: 'cart', uid: 'u', generation: 3 }, spec: { replicas: 2, strategy: {}, template: { spec: { containers: [{ name: 'app', image: 'cart:1', imagePullPolicy: 'IfNotPresent' }] } } }, status: { replicas: 2 } };
    expect(findDrift(applied, live)).toEqual([]);
  });

  it('names every changed field', () => {
    const live = { metadata: { name: 'cart' }, spec: { replicas: 5, template: { spec: { containers: [{ name: 'app', image: 'cart:2' }] } } } };
    expect(findDrift(applied, live)).toEqual(['spec.replicas', 'spec.template.spec.containers[0].image']);
  });

  it('reports a list of another length and a missing map', () => {
    expect(findDrift(applied, { metadata: { name: 'cart' }, spec: { replicas: 2, template: { spec: { containers: [] } } } })).toEqual(['spec.template.spec.containers']);
    expect(findDrift(applied, { metadata: { name: 'cart' } })).toEqual(['spec']);
  });

  it('never compares status', () => {
    expect(findDrift({ status: { x: 1 } }, { status: { x: 2 } })).toEqual([]);
  });
});
