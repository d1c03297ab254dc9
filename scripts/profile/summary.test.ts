import { describe, expect, it } from 'vitest';
import { summarizeWindow, type CpuProfile } from './summary.ts';

const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: 'file:///app/src/work.ts', lineNumber });

// root → main → parse; main → parse again below itself (recursion), sampled every 1,000 µs from t = 10,000.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2] },
    { id: 2, callFrame: frame('main', 4), children: [3] },
    { id: 3, callFrame: frame('parse', 9), children: [4] },
    { id: 4, callFrame: frame('parse', 9) },
  ],
  startTime: 10_000,
  samples: [2, 3, 4, 2, 3],
  timeDeltas: [1000, 1000, 1000, 1000, 1000],
};

describe('summarizeWindow', () => {
  it('gives each sample the time to the next one, by own and by enclosing function', () => {
    const summary = summarizeWindow(profile);
    expect(summary.totalMs).toBe(4);
    expect(Object.fromEntries(summary.self)).toEqual({ 'main work.ts:5': 2, 'parse work.ts:10': 2 });
    // parse calls itself: its inclusive time counts each sample once.
    expect(Object.fromEntries(summary.inclusive)).toEqual({ '(root) work.ts:1': 4, 'main work.ts:5': 4, 'parse work.ts:10': 2 });
  });

  it('counts only the samples taken inside the window', () => {
    // Samples at 11,000 … 15,000 µs; the window keeps those at 12,000 and 13,000.
    const summary = summarizeWindow(profile, { from: 12_000, to: 14_000 });
    expect(summary.totalMs).toBe(2);
    expect(summary.self[0]).toEqual(['parse work.ts:10', 2]);
  });
});
