import { describe, expect, it } from 'vitest';
import { assignShards, fnv1a, shardOf } from './shards.ts';

const members = (n: number) => Array.from({ length: n }, (_, i) => `replica-${i}-${fnv1a(String(i)).toString(36)}`);

describe('shardOf', () => {
  it('is stable and within range, and puts everything in shard 0 without shards', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    for (const name of ['dev', 'pp', 'prod', 'feature-x', 'ü-stage']) {
      expect(shardOf(name, 1)).toBe(0);
      const shard = shardOf(name, 7);
      expect(shard).toBe(shardOf(name, 7));
      expect(shard).toBeGreaterThanOrEqual(0);
      expect(shard).toBeLessThan(7);
    }
  });

  it('spreads many names over the shards', () => {
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[shardOf(`staging-${i}`, 4)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
  });
});

describe('assignShards', () => {
  it('gives every shard one member, at most ceil(shards / members) each, whatever the order of the list', () => {
    for (let m = 1; m <= 6; m++) {
      for (const shards of [1, 2, 3, 5, 8, 30]) {
        const list = members(m);
        const owners = assignShards(list, shards);
        expect(owners).toHaveLength(shards);
        expect(assignShards([...list].reverse(), shards)).toEqual(owners);
        const load = new Map<string, number>();
        for (const owner of owners) load.set(owner, (load.get(owner) ?? 0) + 1);
        for (const count of load.values()) expect(count).toBeLessThanOrEqual(Math.ceil(shards / m));
        if (shards >= m) expect(load.size).toBe(m);
      }
    }
  });

  it('moves only some shards when a member leaves, and those only away from it or to even out the load', () => {
    const list = members(4);
    const before = assignShards(list, 32);
    const gone = list[2]!;
    const after = assignShards(list.filter((m) => m !== gone), 32);
    expect(after.every((owner) => owner !== gone)).toBe(true);
    const moved = before.filter((owner, shard) => owner !== gone && after[shard] !== owner).length;
    expect(moved).toBeLessThan(32 / 2);
  });

  it('assigns nothing without members', () => {
    expect(assignShards([], 3)).toEqual([]);
  });
});
