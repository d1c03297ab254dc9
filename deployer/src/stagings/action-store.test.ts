import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogFields } from '@cascade/common/service';
import { silentLogger } from '@cascade/common/service';
import { StagingActionStore } from './action-store.ts';
import type { StagingActionState } from './actions.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cascade-staging-actions-'));
  dirs.push(dir);
  return join(dir, 'stagings');
}

const state: StagingActionState = {
  current: { action: 'create', key: 'k1', startedAt: '2026-01-01T00:00:00.000Z', commit: 'c1', result: 'succeeded' },
  phase: 'Running',
  records: [{ action: 'create', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:05.000Z', durationMs: 5000, result: 'succeeded', message: 'Running', commit: 'c1' }],
};

describe('StagingActionStore', () => {
  it('writes each staging to its own file and reads them back after a restart', async () => {
    const dir = await tempDir();
    const store = new StagingActionStore({ dir, logger: silentLogger });
    await store.load();
    store.set('feature-x', state);
    await store.flush();
    expect(await readdir(dir)).toEqual(['feature-x.json']);
    const restarted = new StagingActionStore({ dir, logger: silentLogger });
    await restarted.load();
    expect(restarted.state('feature-x')).toEqual(state);
    expect(restarted.records('feature-x')).toEqual(state.records);
    expect(restarted.records('other')).toBeUndefined();
  });

  it('keeps the last state written when several changes follow each other', async () => {
    const dir = await tempDir();
    const store = new StagingActionStore({ dir, logger: silentLogger });
    for (let i = 0; i < 20; i++) store.set('feature-x', { ...state, phase: i % 2 === 0 ? 'UpdatePending' : 'Running', records: [{ ...state.records[0]!, commit: `c${i}` }] });
    await store.flush();
    const written = JSON.parse(await readFile(join(dir, 'feature-x.json'), 'utf8')) as StagingActionState;
    expect(written.records[0]!.commit).toBe('c19');
    // Only the finished file is left: every write went to a temporary file first and was renamed over it.
    expect(await readdir(dir)).toEqual(['feature-x.json']);
  });

  it('starts empty, never failing, when the files are missing, broken or of another format', async () => {
    const dir = await tempDir();
    const warnings: Array<[string, LogFields | undefined]> = [];
    const logger = { ...silentLogger, warn: (message: string, fields?: LogFields) => void warnings.push([message, fields]) };
    expect(await new StagingActionStore({ dir, logger }).load().then(() => 'loaded')).toBe('loaded');
    const store = new StagingActionStore({ dir, logger });
    store.set('good', state);
    await store.flush();
    await writeFile(join(dir, 'broken.json'), '{ not json');
    await writeFile(join(dir, 'old.json'), JSON.stringify({ format: 'something-else', name: 'old', records: [] }));
    await writeFile(join(dir, 'good.json.123.4.tmp'), 'half a file');
    const restarted = new StagingActionStore({ dir, logger });
    await restarted.load();
    expect(restarted.state('good')).toEqual(state);
    expect(restarted.state('broken')).toEqual({ records: [] });
    expect(restarted.state('old')).toEqual({ records: [] });
    expect(warnings.map(([, fields]) => fields?.['staging'])).toEqual(expect.arrayContaining(['broken', 'old']));
    expect((await readdir(dir)).sort()).toEqual(['broken.json', 'good.json', 'old.json']);
  });

  it('deletes the files of stagings that left the repo', async () => {
    const dir = await tempDir();
    const store = new StagingActionStore({ dir, logger: silentLogger });
    store.set('kept', state);
    store.set('gone', state);
    await store.flush();
    store.retain(new Set(['kept']));
    await store.flush();
    expect(await readdir(dir)).toEqual(['kept.json']);
    expect(store.records('gone')).toBeUndefined();
  });

  it('keeps records in memory only without a directory, and a write that fails is logged, not thrown', async () => {
    const memory = new StagingActionStore({ logger: silentLogger });
    memory.set('feature-x', state);
    await memory.flush();
    expect(memory.records('feature-x')).toEqual(state.records);
    const dir = await tempDir();
    await writeFile(dir, 'a file where the directory should be');
    const warnings: string[] = [];
    const failing = new StagingActionStore({ dir, logger: { ...silentLogger, warn: (message: string) => void warnings.push(message) } });
    failing.set('feature-x', state);
    await failing.flush();
    expect(failing.records('feature-x')).toEqual(state.records);
    expect(warnings).toEqual(['cannot keep the action records of a staging']);
  });
});
