// Duplicate map keys, found in one linear walk: the yaml library's own check compares every key with every earlier one.
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';

/** A key that repeats an earlier key of the same map. */
export interface DuplicateKey {
  /** The repeated (second) key, for its position. */
  key: Node;
  /** The first key with the same value. */
  first: Node;
  /** The key's value, as the map holds it. */
  value: unknown;
}

/**
 * Every repeated key below `root`, in no particular order. Keys are equal as the yaml library's `uniqueKeys` check
 * has them equal: scalars with the same value (`1` and `"1"` differ, `1` and `1.0` do not); collection keys never are.
 */
export function findDuplicateKeys(root: unknown): DuplicateKey[] {
  const duplicates: DuplicateKey[] = [];
  // An explicit stack: nesting depth is up to the file, the call stack is not.
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Map<unknown, Node>();
      for (const pair of node.items) {
        const key = pair.key as unknown;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          const first = seen.get(key.value);
          if (first === undefined) seen.set(key.value, key);
          else duplicates.push({ key, first, value: key.value });
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    }
  }
  return duplicates;
}
