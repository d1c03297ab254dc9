import { describe, expect, it } from 'vitest';
import type { Manifest } from '@cascade/common';
import { stagingNamespaceState } from './staging-namespace.ts';

const namespace = (labels: Record<string, string>, more: Record<string, unknown> = {}): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-x', labels, ...more } });
const marks = { 'app.kubernetes.io/managed-by': 'cascade', 'cascade.dev/installation': 'shop', 'cascade.dev/staging': 'x' };

describe('stagingNamespaceState', () => {
  it('is the staging\'s only with both the installation and the staging label', () => {
    expect(stagingNamespaceState(undefined, 'shop', 'x')).toEqual({ state: 'absent' });
    expect(stagingNamespaceState(namespace(marks), 'shop', 'x')).toEqual({ state: 'ours', terminating: false });
    expect(stagingNamespaceState(namespace({}), 'shop', 'x')).toEqual({ state: 'foreign', why: 'Cascade did not create it', terminating: false });
    expect(stagingNamespaceState(namespace({ ...marks, 'cascade.dev/installation': 'other' }), 'shop', 'x')).toMatchObject({ state: 'foreign', why: 'it belongs to Cascade installation other' });
    expect(stagingNamespaceState(namespace({ ...marks, 'cascade.dev/staging': 'y' }), 'shop', 'x')).toMatchObject({ state: 'foreign', why: 'it belongs to staging y' });
    const { 'cascade.dev/staging': _dropped, ...environmentMarks } = marks;
    expect(stagingNamespaceState(namespace(environmentMarks), 'shop', 'x')).toMatchObject({ state: 'foreign', why: "Cascade created it as an environment's namespace" });
  });

  it('tells a namespace being deleted', () => {
    expect(stagingNamespaceState(namespace(marks, { deletionTimestamp: '2026-01-01T00:00:00Z' }), 'shop', 'x')).toEqual({ state: 'ours', terminating: true });
    expect(stagingNamespaceState({ ...namespace({}), status: { phase: 'Terminating' } }, 'shop', 'x')).toMatchObject({ state: 'foreign', terminating: true });
  });
});
