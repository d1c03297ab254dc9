import { describe, expect, it } from 'vitest';
import { KeyedWorkQueue } from './work-queue.ts';

/** Lets every queued promise callback run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** A job that records its start and ends when released. */
function gate(log: string[], name: string) {
  let release = () => {};
  const job = () => {
    log.push(`start ${name}`);
    return new Promise<void>((resolve) => (release = () => {
      log.push(`end ${name}`);
      resolve();
    }));
  };
  return { job, release: () => release() };
}

describe('KeyedWorkQueue', () => {
  it('runs at most `parallelism` jobs at once, oldest first', async () => {
    const log: string[] = [];
    const queue = new KeyedWorkQueue(2, () => {});
    const gates = ['a', 'b', 'c', 'd'].map((name) => gate(log, name));
    gates.forEach((g, i) => queue.enqueue(String(i), g.job));
    await flush();
    expect(log).toEqual(['start a', 'start b']);
    gates[1]!.release();
    await flush();
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    const settled = queue.settle();
    for (const g of [gates[0]!, gates[2]!]) g.release();
    await flush();
    gates[3]!.release();
    await settled;
    expect(log.filter((line) => line.startsWith('end'))).toHaveLength(4);
  });

  it('runs one job per key at a time: asking again while it runs runs it once more afterwards', async () => {
    const log: string[] = [];
    const queue = new KeyedWorkQueue(4, () => {});
    const first = gate(log, 'x1');
    queue.enqueue('x', first.job);
    await flush();
    const second = gate(log, 'x2');
    for (let i = 0; i < 10; i++) queue.enqueue('x', second.job);
    await flush();
    expect(log).toEqual(['start x1']);
    expect(queue.busy('x')).toBe(true);
    first.release();
    await flush();
    expect(log).toEqual(['start x1', 'end x1', 'start x2']);
    second.release();
    await queue.settle();
    expect(log).toEqual(['start x1', 'end x1', 'start x2', 'end x2']);
    expect(queue.busy('x')).toBe(false);
  });

  it('reports a job that throws and goes on; after close it starts nothing more', async () => {
    const errors: unknown[] = [];
    const queue = new KeyedWorkQueue(1, (key, error) => errors.push([key, (error as Error).message]));
    queue.enqueue('bad', () => Promise.reject(new Error('boom')));
    let ran = false;
    queue.enqueue('good', async () => void (ran = true));
    await queue.settle();
    expect(errors).toEqual([['bad', 'boom']]);
    expect(ran).toBe(true);
    await queue.close();
    queue.enqueue('late', async () => void (ran = false));
    await flush();
    expect(ran).toBe(true);
  });
});
