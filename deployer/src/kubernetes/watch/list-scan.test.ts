// The list scan must find exactly what JSON.parse finds: seeded random list answers, with strings that hold brackets,
// quotes, escapes and the keys the scan looks for, compact and indented, are compared with the parsed document.
// CASCADE_FUZZ_RUNS=<n> sets how many (default 12, times 20 documents).
import { describe, expect, it } from 'vitest';
import { createPrng, type Prng } from '@cascade/common/testing';
import { heldOnPage, parseItem, scanList } from './list-scan.ts';

const runs = Number(process.env['CASCADE_FUZZ_RUNS'] ?? 12);

/** Strings that trip a scanner that does not track strings and escapes. */
const TRICKY = ['{', '}', '[', ']', '"', '\\', '\\"', ',', ':', 'metadata', 'items', 'name', 'resourceVersion', 'é', '✓', '\u0000', '\n', '"}]},{"'];

function randomString(rng: Prng): string {
  let text = '';
  for (let i = rng.int(6); i > 0; i--) text += rng.chance(0.4) ? rng.pick(TRICKY) : String.fromCharCode(0x20 + rng.int(0x5e));
  return text;
}

/** Any JSON value, nested up to `depth`, with keys that sometimes are the ones the scan looks for. */
function randomValue(rng: Prng, depth: number): unknown {
  const kind = rng.int(depth <= 0 ? 4 : 6);
  if (kind === 0) return randomString(rng);
  if (kind === 1) return rng.int(1_000_000) / (rng.chance(0.5) ? 1 : 7);
  if (kind === 2) return rng.pick([true, false, null]);
  if (kind === 3) return '';
  if (kind === 4) return Array.from({ length: rng.int(4) }, () => randomValue(rng, depth - 1));
  const object: Record<string, unknown> = {};
  for (let i = rng.int(5); i > 0; i--) object[rng.chance(0.3) ? rng.pick(['metadata', 'name', 'namespace', 'resourceVersion', 'items']) : randomString(rng)] = randomValue(rng, depth - 1);
  return object;
}

/** A list item: a Kubernetes object, its metadata's fields in random order and sometimes missing or not strings. */
function randomItem(rng: Prng): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  const fields: Array<[string, () => unknown]> = [
    ['name', () => (rng.chance(0.9) ? `obj-${randomString(rng)}` : rng.int(10))],
    ['namespace', () => `ns-${randomString(rng)}`],
    ['resourceVersion', () => (rng.chance(0.9) ? String(rng.int(1e9)) : { nested: '1' })],
    ['labels', () => randomValue(rng, 2)],
    ['annotations', () => ({ 'cascade.dev/applied': JSON.stringify(randomValue(rng, 3)) })],
    ['managedFields', () => [{ manager: 'cascade', fieldsV1: randomValue(rng, 4) }]],
  ];
  for (const [key, value] of fields.sort(() => rng.next() - 0.5)) if (rng.chance(0.85)) metadata[key] = value();
  const item: Record<string, unknown> = { spec: randomValue(rng, 4) };
  if (rng.chance(0.95)) item.metadata = rng.chance(0.97) ? metadata : [metadata];
  if (rng.chance(0.5)) item.status = randomValue(rng, 3);
  return item;
}

/** A list answer with its keys in random order. */
function randomList(rng: Prng): Record<string, unknown> {
  const parts: Array<[string, unknown]> = [
    ['kind', 'ConfigMapList'],
    ['apiVersion', 'v1'],
    ['metadata', { resourceVersion: String(rng.int(1e9)), ...(rng.chance(0.5) ? { continue: randomString(rng) } : {}) }],
    ['items', Array.from({ length: rng.int(8) }, () => randomItem(rng))],
  ];
  return Object.fromEntries(parts.sort(() => rng.next() - 0.5));
}

/** What the scan should say of an item: its metadata's string fields, as JSON.parse reads them. */
function expectedIdentity(item: Record<string, unknown>): Record<string, string> {
  const metadata = item.metadata;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return {};
  const identity: Record<string, string> = {};
  for (const key of ['name', 'namespace', 'resourceVersion']) {
    const value = (metadata as Record<string, unknown>)[key];
    if (typeof value === 'string') identity[key] = value;
  }
  return identity;
}

describe('scanList', () => {
  it('finds every item and its name, namespace and resourceVersion as JSON.parse reads them', () => {
    for (let seed = 1; seed <= runs * 20; seed++) {
      const rng = createPrng(seed);
      const list = randomList(rng);
      const body = Buffer.from(JSON.stringify(list, null, rng.chance(0.3) ? 2 : undefined));
      const scanned = scanList(body);
      const items = list.items as Array<Record<string, unknown>>;
      expect(scanned.items.map((item) => parseItem(body, item)), `seed ${seed}`).toEqual(items);
      expect(scanned.items.map(({ name, namespace, resourceVersion }) => JSON.parse(JSON.stringify({ name, namespace, resourceVersion }))), `seed ${seed}`).toEqual(items.map(expectedIdentity));
      expect(scanned.metadata, `seed ${seed}`).toEqual(list.metadata);
    }
  });

  it('hands over a page\'s held objects only when every item is one held at its listed resourceVersion (heldOnPage)', () => {
    for (let seed = 1; seed <= runs * 20; seed++) {
      const rng = createPrng(seed);
      const list = randomList(rng);
      const body = Buffer.from(JSON.stringify(list));
      const identities = (list.items as Array<Record<string, unknown>>).map(expectedIdentity);
      // Held: a random share of the items with a string name and resourceVersion, at that version.
      const holding = new Set(identities.filter((id) => id.name !== undefined && id.resourceVersion !== undefined && rng.chance(0.8)).map((id) => `${id.namespace}/${id.name}@${id.resourceVersion}`));
      const held = (name: string, namespace: string | undefined, resourceVersion: string) => (holding.has(`${namespace}/${name}@${resourceVersion}`) ? { held: `${namespace}/${name}@${resourceVersion}` } : undefined);
      const page = heldOnPage(body, held);
      const allHeld = identities.every((id) => holding.has(`${id.namespace}/${id.name}@${id.resourceVersion}`));
      expect(page.objects, `seed ${seed}`).toEqual(allHeld ? identities.map((id) => ({ held: `${id.namespace}/${id.name}@${id.resourceVersion}` })) : undefined);
      expect(page.metadata, `seed ${seed}`).toEqual(list.metadata);
    }
  });

  it('refuses an answer cut off anywhere, rather than taking the items before the cut', () => {
    const body = Buffer.from(JSON.stringify({ kind: 'List', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'a"}]', resourceVersion: '1' } }, { metadata: { name: 'b', resourceVersion: '2' } }] }));
    for (let cut = 0; cut < body.length; cut++) expect(() => scanList(body.subarray(0, cut)), `cut at ${cut}`).toThrow();
    expect(scanList(body).items.map((item) => item.name)).toEqual(['a"}]', 'b']);
  });
});
