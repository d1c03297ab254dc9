// WeakValueMap holds values only while something else does: what a collection takes is gone from it too.
import { describe, expect, it, vi } from 'vitest';
import { heapAfterCollection } from '../testing/retained.ts';
import { WeakValueMap } from './shared-reads.ts';

/** Sets `key` to a new object that nothing else holds, from a frame of its own so no local keeps it. */
function setUnheld(map: WeakValueMap<object>, key: string): WeakRef<object> {
  const value = { key };
  map.set(key, value);
  return new WeakRef(value);
}

/** Lets the current job end (WeakRef targets live until then), then collects. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  heapAfterCollection();
}

describe('WeakValueMap', () => {
  it('answers with a value while it is held elsewhere', () => {
    const map = new WeakValueMap<object>();
    const value = { v: 1 };
    map.set('a', value);
    map.set('a', value);
    expect([map.get('a'), map.get('b'), map.size]).toEqual([value, undefined, 1]);
  });

  it('forgets a value nothing else holds once it is collected, but not a newer value set under its key', async () => {
    const map = new WeakValueMap<object>();
    const refs = [setUnheld(map, 'replaced'), setUnheld(map, 'gone')];
    await collect();
    expect(refs.map((ref) => ref.deref())).toEqual([undefined, undefined]);
    expect([map.get('replaced'), map.get('gone')]).toEqual([undefined, undefined]);
    const newer = { v: 2 };
    map.set('replaced', newer);
    // The collected values' keys are forgotten after the collection, in a task of their own.
    await vi.waitFor(() => expect(map.size).toBe(1));
    expect(map.get('replaced')).toBe(newer);
  });
});
