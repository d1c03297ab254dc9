// Copying an object with more fields, so that objects made alike share their hidden class.

/**
 * `{ ...base, ...extra }`, for objects a service keeps by the thousand. On Node 20 (V8 11), an object spread followed
 * by a field the spread did not copy (`{ ...ref, namespace }`) gives every result a hidden class of its own once the
 * spread's inline cache has warmed up: a map, its descriptors and an out-of-object property array, about 250 bytes
 * per object, and slower reads everywhere they go. Object.assign onto a fresh literal shares one class.
 */
export function merged<A extends object, B extends object>(base: A, extra: B): Omit<A, keyof B> & B {
  // Object.assign sets fields, and setting `__proto__` would change the copy's prototype: a key from repo data
  // (`__proto__: …` in a manifest's labels) must stay a field, as a spread defines it.
  if (Object.hasOwn(base, '__proto__') || Object.hasOwn(extra, '__proto__')) return { ...base, ...extra };
  return Object.assign({}, base, extra);
}
