import { describe, expect, it } from 'vitest';
import { bytesKeptFrom, heapAfterCollection, uniqueText } from '../testing/retained.ts';
import type { YamlValue } from './types.ts';
import { ValueInterner } from './value-interner.ts';
import { detachedString } from '../repo/string-table.ts';

/** A pseudo-random JSON value from a small alphabet, so equal parts occur often (seeded: the same run every time). */
function randomValue(next: () => number, depth: number): YamlValue {
  const pick = next() % (depth > 3 ? 4 : 7);
  if (pick === 0) return ['a', 'b', '', 'a:b', '1', 'x'.repeat(70)][next() % 6]!;
  if (pick === 1) return [0, 1, -2.5, 1e21][next() % 4]!;
  if (pick === 2) return [true, false, null][next() % 3]!;
  if (pick === 3) return {};
  if (pick === 4) return Array.from({ length: next() % 4 }, () => randomValue(next, depth + 1));
  const map: Record<string, YamlValue> = {};
  for (let i = next() % 4; i > 0; i--) map[['a', 'b', '1:a', 'a=b', ''][next() % 5]!] = randomValue(next, depth + 1);
  return map;
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state >> 8;
  };
}

describe('ValueInterner', () => {
  it('keeps the value equal and shares one frozen empty map among all values', () => {
    const interner = new ValueInterner();
    const first = interner.internInPlace({ metadata: { namespace: 'dev', managedFields: [{ fieldsV1: { 'f:data': { 'f:a': {} } } }] }, spec: { ports: [] } });
    const second = interner.internInPlace({ data: { b: {} }, status: {} });
    expect(first).toEqual({ metadata: { namespace: 'dev', managedFields: [{ fieldsV1: { 'f:data': { 'f:a': {} } } }] }, spec: { ports: [] } });
    const leaf = (first.metadata as { managedFields: Array<{ fieldsV1: { 'f:data': { 'f:a': object } } }> }).managedFields[0]!.fieldsV1['f:data']['f:a'];
    expect(leaf).toBe(second.status);
    expect((second.data as { b: object }).b).toBe(leaf);
    expect(Object.isFrozen(leaf)).toBe(true);
    expect(Object.isFrozen(first)).toBe(false);
    expect(interner.internInPlace({})).toBe(leaf);
  });

  it('leaves what is not a plain list or map as it is: YAML gives a Uint8Array for !!binary, a Date for !!timestamp', () => {
    const interner = new ValueInterner();
    const bytes = new Uint8Array([1, 2]);
    const date = new Date(0);
    const set = new Set(['a']);
    // Typed as YAML values, which these are not: what the parser hands over at run time.
    const input = { b: bytes, d: date, s: set, e: Object.create(null) as Record<string, never> } as unknown as YamlValue;
    const value = interner.internInPlace(input, { freeze: true }) as unknown as Record<string, unknown>;
    expect(value.b).toBe(bytes);
    expect(value.d).toBe(date);
    expect(value.s).toBe(set);
    expect(Object.isFrozen(bytes)).toBe(false);
    expect(Object.isFrozen(value)).toBe(true);
  });

  it('keeps every value equal to what it was, with key order, over many random values and a small table', () => {
    const next = seeded(7);
    const interner = new ValueInterner(50);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(next, 0);
      const before = JSON.stringify(value);
      expect(JSON.stringify(interner.internInPlace(value))).toBe(before);
    }
    // Two generations of at most 50 strings.
    expect(interner.size).toBeLessThanOrEqual(100);
  });

  it('replaces only strings with emptyMaps: false, so the value stays the caller\'s to change', () => {
    const interner = new ValueInterner();
    const shared = interner.internInPlace({ labels: {} });
    const own = interner.internInPlace({ labels: {} as Record<string, YamlValue>, list: [] as YamlValue[] }, { emptyMaps: false });
    expect(Object.isFrozen(shared.labels)).toBe(true);
    own.labels.app = 'web';
    own.list.push('a');
    expect(own).toEqual({ labels: { app: 'web' }, list: ['a'] });
  });

  it('hands out strings that keep nothing else alive: a substring kept as it is keeps its whole parent text', () => {
    const bytes = 32 * 1024 * 1024;
    const text = () => uniqueText(bytes);
    const name = (parent: string) => parent.slice(1000, 1040);
    const slice = bytesKeptFrom(text, name);
    // The interner stays alive with what it handed out: its table must keep nothing of the text either.
    const interner = new ValueInterner();
    const interned = bytesKeptFrom(text, (parent) => interner.internInPlace({ name: name(parent) }));
    const long = bytesKeptFrom(text, (parent) => new ValueInterner(10, 8).internInPlace([name(parent)]));
    const detached = bytesKeptFrom(text, (parent) => detachedString(name(parent)));
    // The check of the check: V8 does keep the parent of a plain slice.
    expect(slice.kept).toBeGreaterThan(bytes / 2);
    for (const { kept } of [interned, long, detached]) expect(kept).toBeLessThan(bytes / 2);
    expect([slice.value.length, interned.value.name, long.value[0], detached.value]).toEqual([40, 'x'.repeat(40), 'x'.repeat(40), 'x'.repeat(40)]);
  });

  it('looks up only the strings that may repeat, so strings each value has of its own do not push the others out', () => {
    const names = 40_000;
    const name = (i: number) => `a-name-long-enough-to-weigh-on-the-heap-${String(i).padStart(6, '0')}`;
    /** The heap the second round's values hold beyond the first round's, the table gone. */
    const heldBySecondRound = (repeats?: (text: string) => boolean) => {
      // 60,000 strings a generation: the names, then 120,000 numbers (two generations' worth), then the names again.
      const rounds = ((): { first: object[]; second?: object[] } => {
        const interner = new ValueInterner(60_000, 64, repeats);
        const first = Array.from({ length: names }, (_, i) => interner.internInPlace({ name: name(i) }));
        for (let i = 0; i < 120_000; i++) interner.internInPlace({ version: String(i) });
        return { first, second: Array.from({ length: names }, (_, i) => interner.internInPlace({ name: name(i) })) };
      })();
      const both = heapAfterCollection();
      expect(rounds.second![7]).toEqual(rounds.first[7]);
      delete rounds.second;
      return both - heapAfterCollection();
    };
    const everything = heldBySecondRound();
    const repeating = heldBySecondRound((text) => !/^\d+$/.test(text));
    // Looking up the numbers too, the names are gone from the table before the second round, which makes 40,000
    // names of 46 characters again, some 2.3 MB (58 bytes each; measured 1.1-1.3 MB for half as many). The bound
    // leaves room for what else a round leaves on the heap.
    expect(everything - repeating).toBeGreaterThan(names * 40);
  });
});
