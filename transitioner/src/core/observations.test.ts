import type { RepoFile, RepoFiles } from '@cascade/common';
import { describe, expect, it } from 'vitest';
import { carryObservations, rendersFor, type Observations } from './observations.ts';

const NOW = new Date('2024-03-01T12:00:00.000Z');
const EARLIER = new Date('2024-03-01T10:00:00.000Z');
const ENVS = ['dev', 'pp', 'prod'];
const file = (path: string, oid: string): RepoFile => ({ path, kind: 'file', oid, size: 1 });
const tree = (commit: string, entries: Record<string, string>): RepoFiles => ({ commit, files: new Map(Object.entries(entries).map(([path, oid]) => [path, file(path, oid)])) });

const observed = (): Observations => ({
  deployer: { kind: 'Unreachable', message: 'not asked' },
  deployedAtHead: new Set(ENVS),
  versionsSince: new Map(ENVS.map((env) => [env, EARLIER])),
  versionOrder: new Map([['shop/cart', { entered: new Map(), setBack: new Map([['pp', { from: '2', to: '1', commit: 'c0', author: 'ann' }]]) }]]),
});

describe('carryObservations', () => {
  const before = tree('c1', { 'dev/version/shop/cart.yaml': 'a', 'dev/locks.yaml': 'l', 'pp/version/shop/cart.yaml': 'b', 'pp/base/shop/cart.yaml': 'x', 'prod/version/shop/cart.yaml': 'c' });

  it('keeps what the change did not touch, and names the environments it did', () => {
    // dev's version changed, pp got a new base file, prod only its locks.
    const after = tree('c2', { 'dev/version/shop/cart.yaml': 'a2', 'dev/locks.yaml': 'l', 'pp/version/shop/cart.yaml': 'b', 'pp/base/shop/cart.yaml': 'x2', 'prod/version/shop/cart.yaml': 'c', 'prod/locks.yaml': 'l' });
    const carried = carryObservations(observed(), before, after, NOW);
    expect([...carried.deployedAtHead]).toEqual(['prod']);
    expect(Object.fromEntries(carried.versionsSince)).toEqual({ dev: NOW, pp: EARLIER, prod: EARLIER });
    expect(carried.versionOrder?.get('shop/cart')?.setBack.size).toBe(1);
  });

  it('counts a removed file and drops a set-back whose version file moved on', () => {
    const after = tree('c2', { 'dev/version/shop/cart.yaml': 'a', 'dev/locks.yaml': 'l', 'pp/version/shop/cart.yaml': 'b2', 'prod/version/shop/cart.yaml': 'c' });
    const carried = carryObservations(observed(), before, after, NOW);
    expect([...carried.deployedAtHead]).toEqual(['dev', 'prod']);
    expect(carried.versionsSince.get('pp')).toEqual(NOW);
    expect(carried.versionOrder?.get('shop/cart')?.setBack.size).toBe(0);
  });

  it('agrees with comparing every path of both trees, on random changes', () => {
    const paths = ENVS.flatMap((env) => [`${env}/locks.yaml`, ...['cart', 'shop', 'api'].flatMap((name) => [`${env}/version/shop/${name}.yaml`, `${env}/version/shop/${name}.yml`, `${env}/base/shop/${name}.yaml`])]);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const randomTree = (commit: string, from?: RepoFiles) => {
      const files = new Map<string, RepoFile>();
      for (const path of paths) {
        const old = from?.files.get(path);
        // Unchanged entries are often the very same object, as the tree reader hands them out.
        if (old !== undefined && random() < 0.8) files.set(path, random() < 0.5 ? old : { ...old });
        else if (random() < 0.6) files.set(path, file(path, `o${Math.floor(random() * 3)}`));
      }
      return { commit, files };
    };
    const differs = (a: RepoFiles, b: RepoFiles, counts: (path: string) => boolean) =>
      [...a.files, ...b.files].some(([path]) => counts(path) && a.files.get(path)?.oid !== b.files.get(path)?.oid);
    for (let i = 0; i < 500; i++) {
      const a = randomTree('a');
      const b = randomTree('b', a);
      const setBack = new Map(ENVS.map((env) => [env, { from: '2', to: '1', commit: 'c0', author: 'ann' }]));
      const facts: Observations = { ...observed(), versionOrder: new Map([['shop/cart', { entered: new Map(), setBack }]]) };
      const carried = carryObservations(facts, a, b, NOW);
      expect([...carried.deployedAtHead]).toEqual(ENVS.filter((env) => !differs(a, b, (path) => rendersFor(env, path))));
      expect([...carried.versionsSince].filter(([, time]) => time === NOW).map(([env]) => env)).toEqual(ENVS.filter((env) => differs(a, b, (path) => path.startsWith(`${env}/version/`))));
      const stays = ENVS.filter((env) => !differs(a, b, (path) => path === `${env}/version/shop/cart.yaml` || path === `${env}/version/shop/cart.yml`));
      expect([...(carried.versionOrder?.get('shop/cart')?.setBack.keys() ?? [])]).toEqual(stays);
    }
  });
});
