// A base file prepared once for many renders: its plain value plus where the placeholders sit.
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document } from 'yaml';
import type { YamlValue } from './types.ts';
import { locationOf, type Located } from './yaml-file.ts';

/** One string scalar that contains a `$`, with its place in the plain value. */
export interface PlaceholderSlot {
  path: Array<string | number>;
  text: string;
  /** A quoted scalar stays a string even when it is exactly one placeholder. */
  quoted: boolean;
  /** Where the scalar starts, for error positions (not the node: that would keep the whole syntax tree). */
  node: Located;
}

/** A document ready to render: clone `value`, then fill each slot. `slots` is undefined when aliases make paths ambiguous. */
export interface PreparedDocument {
  value: YamlValue;
  slots: PlaceholderSlot[] | undefined;
}

/** Finds every string scalar holding a `$` below a document's root; gives up (undefined) on aliases. */
export function findPlaceholderSlots(doc: Document): PlaceholderSlot[] | undefined {
  const slots: PlaceholderSlot[] = [];
  let aliased = false;
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (isAlias(node)) aliased = true;
    else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? plainKey(pair.key.value) : undefined;
        // Two keys that become the same plain key (`1` and "1") make paths ambiguous, like aliases do.
        if (key === undefined || seen.has(key)) aliased = true;
        else walk(pair.value, [...path, key]);
        if (key !== undefined) seen.add(key);
      }
    } else if (isSeq(node)) node.items.forEach((item, index) => walk(item, [...path, index]));
    else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      slots.push({ path, text: node.value, quoted: node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE, node: locationOf(node) });
    }
  };
  walk(doc.contents, []);
  return aliased ? undefined : slots;
}

/** The key a scalar becomes in the plain value, as the yaml library's toJS makes it (`~` becomes ""). */
function plainKey(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * `root` with `value` at `path` (the path exists: it came from the same document), copying only the maps and lists
 * on the way: everything else is shared with `root`, which stays as it is (a parsed file is kept and rendered again).
 */
export function withValueAtPath(root: YamlValue, path: ReadonlyArray<string | number>, value: YamlValue, from = 0): YamlValue {
  if (from === path.length) return value;
  const step = path[from] as string | number;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[step as number] = withValueAtPath(copy[step as number] as YamlValue, path, value, from + 1);
    return copy;
  }
  const copy = { ...(root as Record<string, YamlValue>) };
  copy[step] = withValueAtPath(copy[step] as YamlValue, path, value, from + 1);
  return copy;
}
