// A write plan: the pure write function the git layer re-applies on each attempt, plus what its last application found.
import type { WriteContext, WriteFunction } from '@cascade/common/git';

/** A write function and a way to read what it decided on the attempt that was pushed (the last one). */
export interface WritePlan<T> {
  write: WriteFunction;
  /** What the last application of `write` found; read it after the write is acknowledged. */
  outcome(): T;
}

/** Wraps a function returning both the edit and the outcome into a WritePlan that remembers the latest outcome. */
export function writePlan<T>(apply: (current: Parameters<WriteFunction>[0], context?: WriteContext) => { edit: ReturnType<WriteFunction>; outcome: T }): WritePlan<T> {
  let last: { value: T } | undefined;
  return {
    write: (current, context) => {
      const { edit, outcome } = apply(current, context);
      last = { value: outcome };
      return edit;
    },
    outcome: () => {
      if (!last) throw new Error('write plan: outcome read before the write ran');
      return last.value;
    },
  };
}
