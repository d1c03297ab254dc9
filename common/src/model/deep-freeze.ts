// Freezing a tree of plain values that is handed to more than one reader, so a change by one is an error, not news to the others.

/**
 * Freezes `value` and everything it reaches, and returns it. A frozen object is taken as frozen all the way down and
 * not entered again, so freezing a new tree that shares most of its branches with one frozen before costs its new
 * parts. For plain data only (objects and arrays; no typed arrays, maps or class instances with state).
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
