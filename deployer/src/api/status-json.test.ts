import type { DeployerStatus, ResourceStatus } from '@cascade/common';
import { describe, expect, it } from 'vitest';
import { madeFrom } from '@cascade/common';
import { createPrng, heapAfterCollection } from '@cascade/common/testing';
import { RecentStatuses, deployerStatusEntity, type StatusEntity } from './status-json.ts';

/** Bytes held in array buffers (outside the V8 heap) after full collections. */
function arrayBuffersAfterCollection(): number {
  heapAfterCollection();
  return process.memoryUsage().arrayBuffers;
}

/** 20,000 Clean resources with names of their own, so their text is large and shares nothing with another status's. */
function largeResources(): ResourceStatus[] {
  return Array.from({ length: 20_000 }, (_, i) => ({ name: `team-${i}/a-service-name-long-enough-${Math.random()}`, state: 'Clean', version: '1.0.0', errors: [] }));
}

/** The entity's JSON pieces one after the other, as an answer sends them. */
const answerBytes = (entity: StatusEntity) => Buffer.concat(entity.pieces());

/** The status's JSON text, decoded from the pieces the entity answers with. */
const statusText = (status: DeployerStatus) => answerBytes(deployerStatusEntity(status)).toString('utf8');

/** The heap and array buffer bytes a full answer of `entity` leaves in use once the answer is dropped. */
function keptByAnswer(entity: StatusEntity): { heap: number; arrayBuffers: number; size: number } {
  const before = { heap: heapAfterCollection(), arrayBuffers: arrayBuffersAfterCollection() };
  const size = answerSize(entity);
  return { heap: heapAfterCollection() - before.heap, arrayBuffers: arrayBuffersAfterCollection() - before.arrayBuffers, size };
}

// A frame of its own, so no register of the measuring frame still holds the answer while it collects.
function answerSize(entity: StatusEntity): number {
  return entity.pieces().reduce((sum, piece) => sum + piece.byteLength, 0);
}

describe('the status entity\'s text', () => {
  it('reads back as the status it was built from, with and without commit, stagings and environments', () => {
    const resources = [{ name: 'shop/cart', state: 'Clean' as const, version: '1.0.0', errors: [] }];
    const statuses: DeployerStatus[] = [
      { environments: [] },
      { commit: 'abc', environments: [{ env: 'dev', target: 'local', state: 'Clean', resources }] },
      { commit: 'abc', environments: [{ env: 'dev', target: 'local', state: 'Clean', resources }, { env: 'pp', target: 'local', state: 'Outdated', resources: [], errors: [{ code: 'x', message: 'quote " and \\ and \n' }] }], stagings: [] },
    ];
    for (const status of statuses) expect(JSON.parse(statusText(status))).toEqual(JSON.parse(JSON.stringify(status)));
  });

  it('serialises a resources array once, so the text of an environment left as it was is the same text again', () => {
    const resources = [{ name: 'shop/cart', state: 'Clean' as const, errors: [] }];
    const first = statusText({ environments: [{ env: 'dev', target: 'local', state: 'Clean', resources }] });
    // A pass that changed nothing keeps the array; a change made to it in place would not show (passes never do that).
    resources.push({ name: 'shop/other', state: 'Clean', errors: [] });
    const again = statusText({ environments: [{ env: 'dev', target: 'local', state: 'Clean', resources, lastSuccess: 'now' }] });
    expect(JSON.parse(again).environments[0].resources).toEqual(JSON.parse(first).environments[0].resources);
    expect(JSON.parse(again).environments[0].lastSuccess).toBe('now');
  });

  it('hashes a resource status once, so a resource left as it was keeps its digest in a new resources array', () => {
    const cart = { name: 'shop/cart', state: 'Clean' as const, version: '1.0.0', errors: [] };
    const other = { name: 'shop/other', state: 'Clean' as const, errors: [] };
    const env = (resources: DeployerStatus['environments'][number]['resources']): DeployerStatus => ({ environments: [{ env: 'dev', target: 'local', state: 'Clean', resources }] });
    const first = deployerStatusEntity(env([cart, other])).etag;
    // A pass hands out the same object for a resource whose status did not change; one changed in place would not show.
    cart.version = '2.0.0';
    expect(deployerStatusEntity(env([cart, other])).etag).toBe(first);
    expect(deployerStatusEntity(env([{ ...cart }, other])).etag).not.toBe(first);
    // The text is made from the objects as they are now: it is not kept per resource.
    expect(JSON.parse(statusText(env([cart, other]))).environments[0].resources[0].version).toBe('2.0.0');
  });
});

describe('deployerStatusEntity', () => {
  const cart = { name: 'shop/cart', state: 'Clean' as const, version: '1.0.0', errors: [] };
  const status = (resources: DeployerStatus['environments'][number]['resources'], extra: Partial<DeployerStatus['environments'][number]> = {}): DeployerStatus => ({
    commit: 'abc',
    environments: [{ env: 'dev', target: 'local', state: 'Clean', resources, ...extra }, { env: 'pp', target: 'local', state: 'Clean', resources: [] }],
  });

  it('works a status out once for every peer that asks, its pieces the UTF-8 of its JSON', () => {
    const status: DeployerStatus = { commit: 'abc', environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [{ name: 'shop/crème', state: 'Clean', errors: [] }] }] };
    const entity = deployerStatusEntity(status);
    expect(deployerStatusEntity(status)).toBe(entity);
    expect(answerBytes(entity)).toEqual(answerBytes(entity));
    expect(JSON.parse(answerBytes(entity).toString('utf8'))).toEqual(status);
    expect(answerBytes(entity).byteLength).toBe(Buffer.byteLength(JSON.stringify(status)));
  });

  it('answers every request with the same resources bytes, not a copy each', () => {
    const entity = deployerStatusEntity(status([cart]));
    const [first, again] = [entity.pieces(), entity.pieces()];
    // The status's head, dev's resources, between them pp's head, pp's resources, and the end.
    expect(first).toHaveLength(5);
    expect(again[1]).toBe(first[1]);
    expect(again[3]).toBe(first[3]);
  });

  it('keeps an environment\'s resources as bytes outside the V8 heap, and no joined answer', () => {
    const status: DeployerStatus = { commit: 'abc', environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: largeResources() }] };
    // Tag and digests first: what the first full answer adds is the resources array's bytes.
    const entity = deployerStatusEntity(status);
    const first = keptByAnswer(entity);
    expect(JSON.parse(statusText(status))).toEqual(status);
    expect(first.size).toBeGreaterThan(1_000_000);
    // The array's bytes are kept (a status changing another environment reuses them), outside the V8 heap; the
    // answer itself, joined text or joined bytes, would be as large again.
    expect(first.heap).toBeLessThan(first.size / 4);
    expect(first.arrayBuffers).toBeGreaterThan(first.size * 0.9);
    expect(first.arrayBuffers).toBeLessThan(first.size * 1.5);
    // Answering again sends the kept bytes, keeping nothing more.
    expect(keptByAnswer(entity).arrayBuffers).toBeLessThan(first.size / 4);
  });

  it('lets go of an environment\'s resources bytes once another array is its own, though the old status is kept', () => {
    const resources = largeResources();
    const old = status(resources);
    const { size } = keptByAnswer(deployerStatusEntity(old));
    const before = arrayBuffersAfterCollection();
    // A pass changed one resource: a new array of the environment. The old status stays held, as kept statuses are.
    const changed = resources.slice();
    changed[7] = { ...changed[7]!, state: 'InProgress' };
    const next = deployerStatusEntity(status(changed));
    expect(before - arrayBuffersAfterCollection()).toBeGreaterThan(size / 2);
    expect(old.environments[0]!.resources).toBe(resources);
    // The new array's bytes come when its status is asked for whole, in place of the old ones.
    expect(keptByAnswer(next).arrayBuffers).toBeGreaterThan(size / 2);
  });

  it('gives equal statuses the same tag, built from other objects', () => {
    const a = status([cart]);
    const b = status([{ ...cart }]);
    expect(deployerStatusEntity(b).etag).toBe(deployerStatusEntity(a).etag);
    expect(statusText(b)).toBe(statusText(a));
    expect(JSON.parse(statusText(a))).toEqual(a);
  });

  it('gives another tag when anything in the status changes', () => {
    const tags = [
      status([cart]),
      status([{ ...cart, version: '1.0.1' }]),
      status([cart], { state: 'InProgress' }),
      status([cart, { name: 'shop/other', state: 'Clean', errors: [] }]),
      { ...status([cart]), commit: 'def' },
      { ...status([cart]), stagings: [] },
      // The same characters split differently between an environment's fields and its resources.
      status([], { env: 'dev","resources":[' }),
    ].map((s) => deployerStatusEntity(s).etag);
    expect(new Set(tags).size).toBe(tags.length);
  });

  it('keeps the last few statuses sent, so a peer further behind gets the whole status', () => {
    const recent = new RecentStatuses();
    const statuses: DeployerStatus[] = Array.from({ length: 6 }, (_, i) => ({ commit: `c${i}`, environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [] }] }));
    statuses.forEach((status, i) => recent.remember(`"${i}"`, status));
    const now = statuses[5]!;
    expect(recent.deltaTo(now, '"0"')).toBeUndefined();
    expect(recent.deltaTo(now, '"1"')).toBeUndefined();
    expect(recent.deltaTo(now, '"2"')).toMatchObject({ since: '"2"', commit: 'c5' });
    expect(recent.deltaTo(now, '"never"')).toBeUndefined();
    // Sent again, a status is the newest once more.
    recent.remember('"2"', statuses[2]!);
    recent.remember('"6"', now);
    expect(recent.deltaTo(now, '"2"')).toBeDefined();
    expect(recent.deltaTo(now, '"3"')).toBeUndefined();
  });
});

describe('resources digests worked out from the last array', () => {
  it('tag every status of random walks as a status built afresh is tagged, and tell apart every two that differ', () => {
    const rng = createPrng(11);
    const states = ['Clean', 'InProgress', 'Outdated', 'Failed'] as const;
    const make = (name: number): ResourceStatus => ({ name: `team/svc-${name}`, state: rng.pick(states), version: `1.${rng.int(3)}.0`, errors: [] });
    const status = (resources: ResourceStatus[]): DeployerStatus => ({ environments: [{ env: 'walk', target: 'local', state: 'Clean', resources }] });
    const tagsByText = new Map<string, string>();
    for (let walk = 0; walk < 20; walk++) {
      let resources = Array.from({ length: 1 + rng.int(30) }, (_, i) => make(i));
      for (let step = 0; step < 40; step++) {
        const next = resources.slice();
        const at = rng.int(next.length);
        const move = rng.int(5);
        if (move === 0) next[at] = make(at);
        else if (move === 1) next[at] = { ...next[at]! };
        else if (move === 2) [next[at], next[0]] = [next[0]!, next[at]!];
        // Made in place, as a pass or an event makes them: the places replaced are known (the digest looks at those only).
        if (move <= 2 && rng.chance(0.7)) madeFrom(next, resources, [at, 0]);
        else if (move === 3) next.push(make(next.length));
        else if (next.length > 1) next.splice(at, 1);
        resources = next;
        const tag = deployerStatusEntity(status(resources)).etag;
        // Afresh: the environment's last array of another length, then new objects of the same content.
        deployerStatusEntity(status([]));
        const copy = structuredClone(resources);
        expect(deployerStatusEntity(status(copy)).etag).toBe(tag);
        // Back to the walk's own array, so the next step is worked out from it.
        deployerStatusEntity(status(resources));
        const text = JSON.stringify(resources);
        const seen = tagsByText.get(text);
        if (seen === undefined) expect([...tagsByText.values()]).not.toContain(tag);
        else expect(tag).toBe(seen);
        tagsByText.set(text, tag);
      }
    }
  });
});
