import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLease, leaseHolders, releaseLease } from './leases.ts';

describe('cluster leases', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const runDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-leases-'));
    dirs.push(dir);
    return dir;
  };

  it('counts the other live holders when one lets go', () => {
    const dir = runDir();
    acquireLease(dir, 101);
    acquireLease(dir, 202);
    const alive = (pid: number) => pid === 101 || pid === 202;
    expect(releaseLease(dir, 101, alive)).toBe(1);
    expect(releaseLease(dir, 202, alive)).toBe(0);
  });

  it('forgets leases of processes that died without releasing them', () => {
    const dir = runDir();
    acquireLease(dir, 101);
    acquireLease(dir, 303);
    expect(releaseLease(dir, 101, (pid) => pid === 101)).toBe(0);
  });

  it('lists the live holders without releasing anything', () => {
    const dir = runDir();
    acquireLease(dir, 101);
    acquireLease(dir, 202);
    expect(leaseHolders(dir, (pid) => pid === 202)).toEqual([202]);
    expect(releaseLease(dir, 999, (pid) => pid === 101 || pid === 202)).toBe(2);
  });

  it('counts the test process itself as alive', () => {
    const dir = runDir();
    acquireLease(dir, process.pid);
    acquireLease(dir, 1);
    expect(releaseLease(dir, 1)).toBe(1);
  });
});
