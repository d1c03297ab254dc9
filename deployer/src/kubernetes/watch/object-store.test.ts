import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import type { Manifest } from '@cascade/common';
import { KubeRequestError } from '../request-error.ts';
import { heapAfterCollection } from '@cascade/common/testing';
import { CONTENT_HASH_ANNOTATION } from '../labels.ts';
import { ObjectStore, mayRepeat, watchRequestGone, watchRequestRefused } from './object-store.ts';

const cm = (name: string, resourceVersion: string, mode = 'a'): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'dev', resourceVersion }, data: { mode } });
const gone = { type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 1 (289)', reason: 'Expired', code: 410 } };

describe('ObjectStore', () => {
  it('is not synced before a list, and holds the listed objects as received with the list resourceVersion', () => {
    const store = new ObjectStore();
    expect(store.synced).toBe(false);
    const web = cm('web', '10');
    expect(store.replace([web], '12').map((c) => c.type)).toEqual(['added']);
    expect(store.synced).toBe(true);
    expect(store.resourceVersion).toBe('12');
    expect(store.values()[0]).toEqual(cm('web', '10'));
  });

  it('looks up names and values that objects share, not the resourceVersions and content hashes each has of its own', () => {
    expect(['12345', '0', 'f0'.repeat(32)].map(mayRepeat)).toEqual([false, false, false]);
    // Names, times, a number with a letter, and what is not 64 lowercase hex digits may repeat.
    expect(['web', 'team-1/svc-2', '2026-12-06T01:02:03Z', '12a', 'f'.repeat(63), 'g'.repeat(64), 'AB'.repeat(32)].map(mayRepeat)).toEqual([true, true, true, true, true, true, true]);
  });

  it('keeps the content hash string an object had through its new states, for whoever holds it (the plan does)', () => {
    const count = 10_000;
    const hash = (i: number) => i.toString(16).padStart(64, 'a');
    // Parsed from text, as a watch event is: every state's strings are its own until the store shares them.
    const state = (i: number, resourceVersion: number): Manifest => JSON.parse(JSON.stringify({ ...cm(`object-${i}`, String(resourceVersion)), metadata: { name: `object-${i}`, namespace: 'dev', resourceVersion: String(resourceVersion), annotations: { [CONTENT_HASH_ANNOTATION]: hash(i) } } })) as Manifest;
    const store = new ObjectStore();
    store.replace(Array.from({ length: count }, (_, i) => state(i, i + 1)), String(count));
    const held = store.values().map((o) => (o.metadata as { annotations: Record<string, string> }).annotations[CONTENT_HASH_ANNOTATION]);
    const before = heapAfterCollection();
    for (let i = 0; i < count; i++) store.apply({ type: 'MODIFIED', object: state(i, count + i + 1) });
    const grown = heapAfterCollection() - before;
    expect(held).toHaveLength(count);
    expect(store.values()[7]).toMatchObject({ metadata: { resourceVersion: String(count + 8), annotations: { [CONTENT_HASH_ANNOTATION]: hash(7) } } });
    // Each new state replaces one as large; a hash string of its own for each would be some 800 KB more.
    expect(grown).toBeLessThan(count * 40);
  });

  it('shares one empty map among the objects of every store', () => {
    const first = new ObjectStore();
    const second = new ObjectStore();
    const withEmpty = (name: string): Manifest => ({ ...cm(name, '1'), data: {} });
    first.replace([withEmpty('a')], '2');
    second.apply({ type: 'ADDED', object: withEmpty('b') });
    const [a] = first.values() as Array<{ data: object }>;
    const [b] = second.values() as Array<{ data: object }>;
    expect(a!.data).toEqual({});
    expect(a!.data).toBe(b!.data);
  });

  it('reports what a re-list changed: additions, modifications by resourceVersion, deletions', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '1'), cm('b', '2'), cm('c', '3')], '3');
    const changes = store.replace([cm('a', '1'), cm('b', '5', 'edited'), cm('d', '6')], '6');
    expect(changes.map((c) => [c.type, (c.object.metadata as { name: string }).name])).toEqual([['modified', 'b'], ['added', 'd'], ['deleted', 'c']]);
    expect(store.values().map((o) => (o.metadata as { name: string }).name).sort()).toEqual(['a', 'b', 'd']);
  });

  it('takes a list in page by page as replace would, keeping held objects and what applies recorded meanwhile', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '1'), cm('b', '2'), cm('c', '3')], '3');
    const [heldA] = store.values();
    const intake = store.intake();
    intake.add([cm('a', '1'), cm('b', '5', 'edited')]);
    // An apply response during the list: later than the list, so the list cannot know it and must not undo it.
    store.observe(cm('c', '8', 'applied'));
    store.observe(cm('n', '9', 'new'));
    intake.add([cm('d', '6')]);
    // Until the list is taken, the store holds what it held (and what the applies recorded).
    expect(store.values().map((o) => (o.metadata as { name: string }).name)).toEqual(['a', 'b', 'c', 'n']);
    const changes = store.takeList(intake, '6');
    expect(changes.map((c) => [c.type, (c.object.metadata as { name: string }).name])).toEqual([['modified', 'b'], ['added', 'd']]);
    expect(store.values().find((o) => (o.metadata as { name: string }).name === 'a')).toBe(heldA);
    expect(store.values().map((o) => [(o.metadata as { name: string }).name, (o.data as { mode: string }).mode]).sort()).toEqual([['a', 'a'], ['b', 'edited'], ['c', 'applied'], ['d', 'a'], ['n', 'new']]);
    expect(store.resourceVersion).toBe('6');
  });

  it('applies ADDED, MODIFIED and DELETED and follows their resourceVersions', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '1')], '1');
    expect(store.apply({ type: 'ADDED', object: cm('b', '2') })).toMatchObject({ kind: 'changed', change: { type: 'added' } });
    expect(store.apply({ type: 'MODIFIED', object: cm('a', '3', 'edited') })).toMatchObject({ kind: 'changed', change: { type: 'modified' } });
    expect(store.resourceVersion).toBe('3');
    expect(store.apply({ type: 'DELETED', object: cm('b', '4') })).toMatchObject({ kind: 'changed', change: { type: 'deleted' } });
    expect(store.resourceVersion).toBe('4');
    expect(store.values()).toEqual([cm('a', '3', 'edited')]);
    // Deleting what is not held changes nothing but still moves the resourceVersion on.
    expect(store.apply({ type: 'DELETED', object: cm('zz', '5') })).toEqual({ kind: 'unchanged' });
    expect(store.resourceVersion).toBe('5');
  });

  it('takes only the resourceVersion from a bookmark', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '1')], '1');
    expect(store.apply({ type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '900' } } })).toEqual({ kind: 'unchanged' });
    expect(store.resourceVersion).toBe('900');
    expect(store.values()).toEqual([cm('a', '1')]);
  });

  it('asks for a re-list on 410 Gone and is not synced until it has one', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '1')], '1');
    expect(store.apply(gone)).toEqual({ kind: 'relist', reason: 'too old resource version: 1 (289)' });
    expect(store.synced).toBe(false);
    expect(store.resourceVersion).toBeUndefined();
    store.replace([cm('a', '300')], '300');
    expect(store.synced).toBe(true);
  });

  it('keeps watching after other error events', () => {
    const store = new ObjectStore();
    store.replace([], '1');
    expect(store.apply({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'internal error' } })).toEqual({ kind: 'error', reason: 'internal error' });
    expect(store.synced).toBe(true);
    expect(store.resourceVersion).toBe('1');
  });

  it('takes an apply response that is newer, and then treats the same state arriving as an event as nothing new', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '5')], '5');
    const applied = cm('a', '8', 'new');
    store.observe(applied);
    const kept = store.values()[0];
    expect(kept).toEqual(applied);
    expect(store.resourceVersion).toBe('5');
    expect(store.apply({ type: 'MODIFIED', object: cm('a', '8', 'new') })).toEqual({ kind: 'unchanged' });
    expect(store.resourceVersion).toBe('8');
    // An older state never replaces a newer one.
    store.observe(cm('a', '7', 'old'));
    expect(store.values()[0]).toBe(kept);
    expect(store.apply({ type: 'MODIFIED', object: cm('a', '9', 'hand') })).toMatchObject({ kind: 'changed' });
  });

  it('keeps an apply response newer than a re-list, which was read before it', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '5'), cm('b', '6')], '6');
    const applied = cm('a', '20', 'new');
    const created = cm('c', '21');
    store.observe(applied);
    store.apply({ type: 'ADDED', object: created });
    expect(store.replace([cm('a', '9', 'hand'), cm('b', '6')], '10')).toEqual([]);
    expect(store.values()).toEqual([applied, cm('b', '6'), created]);
  });

  it('ignores apply responses before the first list', () => {
    const store = new ObjectStore();
    store.observe(cm('a', '5'));
    expect(store.values()).toEqual([]);
  });

  it('forgets its resourceVersion when invalidated, for a fresh list', () => {
    const store = new ObjectStore();
    store.replace([cm('a', '5')], '5');
    store.invalidate();
    expect(store.synced).toBe(false);
    expect(store.values()).toHaveLength(1);
  });
});

describe('what the store keeps', () => {
  const managed = (name: string, resourceVersion: string): Manifest => ({
    ...cm(name, resourceVersion),
    metadata: { name, namespace: 'dev', resourceVersion, managedFields: [
      { manager: 'cascade', operation: 'Apply', fieldsV1: { 'f:data': {} } },
      { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {} } } },
    ] },
  });

  it('drops other managers\' field records and keeps Cascade\'s, from lists, events and apply responses alike', () => {
    const store = new ObjectStore();
    store.replace([managed('a', '1')], '1');
    store.apply({ type: 'ADDED', object: managed('b', '2') });
    store.observe(managed('c', '3'));
    for (const object of store.values()) {
      expect((object.metadata as { managedFields: Array<{ manager: string }> }).managedFields.map((e) => e.manager)).toEqual(['cascade']);
    }
  });

  it('keeps the same object through a re-list that finds it unchanged, so what was worked out for it stays valid', () => {
    const store = new ObjectStore();
    store.replace([managed('a', '1')], '1');
    const [before] = store.values();
    store.replace([managed('a', '1')], '5');
    expect(store.values()[0]).toBe(before);
  });
});

describe('watchRequestGone', () => {
  it('tells a 410 or a too-old resourceVersion from other failures', () => {
    expect(watchRequestGone(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(true);
    expect(watchRequestGone(new Error('too old resource version: 5 (800)'))).toBe(true);
    expect(watchRequestGone(Object.assign(new Error('Internal Server Error'), { statusCode: 500 }))).toBe(false);
    expect(watchRequestGone(new Error('connect ECONNREFUSED 127.0.0.1:6443'))).toBe(false);
    expect(watchRequestGone(null)).toBe(false);
  });

  it('reads the status of a refused watch request as the client reports it (ApiException), not a network code', () => {
    const status = (code: number, reason: string) => new ApiException(code, 'Unsuccessful HTTP Request', { kind: 'Status', code, reason }, {});
    expect(watchRequestGone(status(410, 'Expired'))).toBe(true);
    expect(watchRequestGone(status(500, 'InternalError'))).toBe(false);
    const cut = KubeRequestError.of('GET', 'https://127.0.0.1:6443/api/v1/configmaps?watch=true', Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    expect(watchRequestGone(cut)).toBe(false);
  });
});

describe('watchRequestRefused', () => {
  it('counts answers that waiting will not change (no permission, no such resource), not outages', () => {
    const status = (code: number) => new ApiException(code, 'Unsuccessful HTTP Request', { kind: 'Status', code }, {});
    expect([401, 403, 404, 405].map((code) => watchRequestRefused(status(code)))).toEqual([true, true, true, true]);
    expect(watchRequestRefused(Object.assign(new Error('Forbidden'), { statusCode: 403 }))).toBe(true);
    expect([410, 500, 503].map((code) => watchRequestRefused(status(code)))).toEqual([false, false, false]);
    expect(watchRequestRefused(KubeRequestError.of('GET', 'https://127.0.0.1:6443/api', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })))).toBe(false);
  });
});
