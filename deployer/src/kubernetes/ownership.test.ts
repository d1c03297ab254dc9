import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { ownershipConflict } from './ownership.ts';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop-prod', name: 'x' };
const claimant = { installation: 'main', env: 'dev', home: 'shop-dev' };
const labelled = (labels: Record<string, string>): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop-prod', labels } });

describe('ownershipConflict', () => {
  it('refuses an object another environment of the installation applied, naming both', () => {
    expect(ownershipConflict(labelled({ 'cascade.dev/installation': 'main', 'cascade.dev/env': 'prod' }), ref, claimant))
      .toBe('ConfigMap shop-prod/x belongs to environment prod of installation main; environment dev cannot take it over');
  });

  it('refuses an object another installation applied, even for an environment of the same name', () => {
    expect(ownershipConflict(labelled({ 'cascade.dev/installation': 'other', 'cascade.dev/env': 'dev' }), ref, claimant))
      .toBe('ConfigMap shop-prod/x belongs to environment dev of installation other; environment dev of installation main cannot take it over');
    expect(ownershipConflict(labelled({ 'cascade.dev/installation': 'other' }), { apiVersion: 'v1', kind: 'Namespace', name: 'shop-dev' }, claimant))
      .toBe('Namespace shop-dev belongs to installation other; environment dev of installation main cannot take it over');
  });

  it("refuses a namespace the installation created for another environment's binding, but not the environment's own", () => {
    const created = labelled({ 'cascade.dev/installation': 'main', 'app.kubernetes.io/managed-by': 'cascade' });
    expect(ownershipConflict(created, { apiVersion: 'v1', kind: 'Namespace', name: 'shop-prod' }, claimant)).toContain('belongs to installation main');
    expect(ownershipConflict(created, { apiVersion: 'v1', kind: 'Namespace', name: 'shop-dev' }, claimant)).toBeUndefined();
  });

  it("takes over objects without Cascade's labels, its own, and those of its environment written before installation labels", () => {
    expect(ownershipConflict(labelled({ app: 'x' }), ref, claimant)).toBeUndefined();
    expect(ownershipConflict({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, ref, claimant)).toBeUndefined();
    expect(ownershipConflict(labelled({ 'cascade.dev/installation': 'main', 'cascade.dev/env': 'dev' }), ref, claimant)).toBeUndefined();
    expect(ownershipConflict(labelled({ 'cascade.dev/env': 'dev' }), ref, claimant)).toBeUndefined();
    expect(ownershipConflict(labelled({ 'cascade.dev/env': 'prod' }), ref, claimant)).toBe('ConfigMap shop-prod/x belongs to environment prod; environment dev cannot take it over');
  });
});
