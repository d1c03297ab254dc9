// Whether a value keeps a large string alive: V8 makes substrings views of their parent text, so what is kept of a
// parsed or decoded text can keep the whole text. Measured on the heap after full collections (`--expose-gc` is set here).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap bytes in use after two full collections. */
export function heapAfterCollection(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A text of `bytes` characters no other string shares. */
export function uniqueText(bytes: number): string {
  const tail = String(Math.random());
  return `${'x'.repeat(bytes - tail.length)}${tail}`;
}

/**
 * The value `derive` makes from the text `makeText` makes, and the heap bytes still in use once the text is dropped:
 * about the text's size when the value keeps it, little otherwise.
 */
export function bytesKeptFrom<T>(makeText: () => string, derive: (text: string) => T): { value: T; kept: number } {
  return bytesKeptBy(() => derived(makeText, derive));
}

/** The value `make` makes, and the heap bytes in use after full collections that were not before it: what it keeps. */
export function bytesKeptBy<T>(make: () => T): { value: T; kept: number } {
  const before = heapAfterCollection();
  const value = make();
  return { value, kept: heapAfterCollection() - before };
}

// A frame of its own: a register of the measuring frame could otherwise still hold the text while it collects.
function derived<T>(makeText: () => string, derive: (text: string) => T): T {
  return derive(makeText());
}
