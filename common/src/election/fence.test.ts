import { describe, expect, it } from 'vitest';
import { checkFence, FenceLostError, isFenceLost, runFenced, type Fence } from './fence.ts';

function switchFence(name: string): Fence & { held: boolean; active: number } {
  return { name, held: true, active: 0, ok() { return this.held; }, enter() { this.active++; }, leave() { this.active--; } };
}

describe('fences', () => {
  it('lets writes through while the fence holds and stops them once it is lost, also after awaits', async () => {
    const fence = switchFence('shard 1');
    const seen: string[] = [];
    await expect(runFenced(fence, async () => {
      checkFence();
      seen.push('first write');
      await new Promise((resolve) => setTimeout(resolve, 1));
      fence.held = false;
      await Promise.resolve();
      checkFence();
      seen.push('second write');
    })).rejects.toBeInstanceOf(FenceLostError);
    expect(seen).toEqual(['first write']);
    expect(fence.active).toBe(0);
  });

  it('keeps each piece of work to its own fence when they run side by side', async () => {
    const a = switchFence('shard 0');
    const b = switchFence('shard 1');
    b.held = false;
    const results = await Promise.allSettled([
      runFenced(a, async () => { await new Promise((r) => setTimeout(r, 2)); checkFence(); return 'a wrote'; }),
      runFenced(b, async () => { await new Promise((r) => setTimeout(r, 1)); checkFence(); return 'b wrote'; }),
    ]);
    expect(results[0]).toEqual({ status: 'fulfilled', value: 'a wrote' });
    expect(results[1]!.status).toBe('rejected');
    expect(isFenceLost((results[1] as PromiseRejectedResult).reason)).toBe(true);
  });

  it('does not start work under a fence already lost', async () => {
    const fence = switchFence('shard 4');
    fence.held = false;
    let started = false;
    await expect(runFenced(fence, async () => void (started = true))).rejects.toBeInstanceOf(FenceLostError);
    expect(started).toBe(false);
  });

  it('leaves work without a fence unguarded, as a single process is', async () => {
    await expect(runFenced(undefined, async () => { checkFence(); return 1; })).resolves.toBe(1);
    expect(() => checkFence()).not.toThrow();
  });

  it('counts the work under way, so a Lease is handed over only once it ended', async () => {
    const fence = switchFence('shard 2');
    let release!: () => void;
    const work = runFenced(fence, () => new Promise<void>((resolve) => (release = resolve)));
    expect(fence.active).toBe(1);
    release();
    await work;
    expect(fence.active).toBe(0);
  });

  it('finds a lost fence behind a cause chain', () => {
    expect(isFenceLost(new Error('apply failed', { cause: new FenceLostError('shard 3') }))).toBe(true);
    expect(isFenceLost(new Error('other'))).toBe(false);
  });
});
