// Deep equality for JSON-shaped values (what JSON.parse returns, and the statuses built like it). node:util's
// isDeepStrictEqual also handles prototypes, symbols, Maps and cycles; for large statuses compared on every report
// that generality cost more than the rest of the aggregator's work.

/** True when `a` and `b` are equal JSON values: same primitives, same arrays element by element, same own keys with equal values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
  return true;
}
