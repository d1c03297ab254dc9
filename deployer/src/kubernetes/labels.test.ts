import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../content/canonical-json.ts';
import {
  COMMIT_ANNOTATION, CONTENT_HASH_ANNOTATION, ENV_LABEL, INSTALLATION_LABEL, RESOURCE_ANNOTATION, RESOURCE_LABEL, SOURCE_FILE_ANNOTATION, VERSION_ANNOTATION,
  encodeResourceLabel, environmentSelector, markObject, readAnnotation, readLabel,
} from './labels.ts';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart', labels: { app: 'cart' } }, spec: { replicas: 2 } };
const origin = { installation: 'a1b2c3d4e5', env: 'dev', resource: 'shop/cart', version: '1.2.3', sourceFiles: ['dev/base/shop/cart.yaml', 'dev/version/shop/cart.yaml'], commit: 'c1' };

describe('encodeResourceLabel', () => {
  it('replaces / with . so the value is a valid label', () => {
    expect(encodeResourceLabel('shop/cart')).toBe('shop.cart');
    expect(encodeResourceLabel('a/b/c-d_e.f')).toBe('a.b.c-d_e.f');
  });

  it('shortens long names to a valid, distinct 63-character value', () => {
    const long = `${'a'.repeat(40)}/${'b'.repeat(40)}`;
    const other = `${'a'.repeat(40)}/${'b'.repeat(39)}c`;
    const encoded = encodeResourceLabel(long);
    expect(encoded.length).toBeLessThanOrEqual(63);
    expect(encoded).toMatch(LABEL_VALUE);
    expect(encodeResourceLabel(other)).not.toBe(encoded);
  });

  it('keeps names that end in a separator valid after shortening', () => {
    const name = `${'a'.repeat(51)}-/x${'y'.repeat(20)}`;
    expect(encodeResourceLabel(name)).toMatch(LABEL_VALUE);
  });
});

describe('markObject', () => {
  it('adds the labels and annotations and keeps the manifest own ones', () => {
    const { object, contentHash } = markObject(deployment, origin);
    expect(readLabel(object, INSTALLATION_LABEL)).toBe('a1b2c3d4e5');
    expect(readLabel(object, ENV_LABEL)).toBe('dev');
    expect(readLabel(object, RESOURCE_LABEL)).toBe('shop.cart');
    expect(readLabel(object, 'app')).toBe('cart');
    expect(readAnnotation(object, RESOURCE_ANNOTATION)).toBe('shop/cart');
    expect(readAnnotation(object, VERSION_ANNOTATION)).toBe('1.2.3');
    expect(readAnnotation(object, SOURCE_FILE_ANNOTATION)).toBe('dev/base/shop/cart.yaml,dev/version/shop/cart.yaml');
    expect(readAnnotation(object, COMMIT_ANNOTATION)).toBe('c1');
    expect(readAnnotation(object, CONTENT_HASH_ANNOTATION)).toBe(contentHash);
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not change its input', () => {
    const input = structuredClone(deployment);
    markObject(input, origin);
    expect(input).toEqual(deployment);
  });

  it('gives the same hash for another commit and for another key order', () => {
    const reordered = { spec: { replicas: 2 }, metadata: { labels: { app: 'cart' }, name: 'cart' }, kind: 'Deployment', apiVersion: 'apps/v1' };
    const a = markObject(deployment, origin).contentHash;
    expect(markObject(deployment, { ...origin, commit: 'c2' }).contentHash).toBe(a);
    expect(markObject(reordered, origin).contentHash).toBe(a);
  });

  it('gives another hash when the content, the version, the environment or the installation changes', () => {
    const a = markObject(deployment, origin).contentHash;
    expect(markObject({ ...deployment, spec: { replicas: 3 } }, origin).contentHash).not.toBe(a);
    expect(markObject(deployment, { ...origin, version: '1.2.4' }).contentHash).not.toBe(a);
    expect(markObject(deployment, { ...origin, env: 'pp' }).contentHash).not.toBe(a);
    // So a new installation id re-applies, and thereby re-labels, every object on the next pass.
    expect(markObject(deployment, { ...origin, installation: 'shop-prod' }).contentHash).not.toBe(a);
  });

  it('leaves out the version annotation for resources without a version', () => {
    const { version: _none, ...withoutVersion } = origin;
    expect(readAnnotation(markObject(deployment, withoutVersion).object, VERSION_ANNOTATION)).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps list order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: null }], a: 'x' })).toBe('{"a":"x","b":[{"c":null,"d":1}]}');
  });
});

describe('environmentSelector', () => {
  it("selects this installation's objects of the environment that carry the resource label", () => {
    expect(environmentSelector('a1b2c3d4e5', 'dev')).toBe('cascade.dev/installation=a1b2c3d4e5,cascade.dev/env=dev,cascade.dev/resource');
  });
});
