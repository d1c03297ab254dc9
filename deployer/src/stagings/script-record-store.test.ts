import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newRecord } from './script-record.ts';
import { StagingRecordStore } from './script-record-store.ts';

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cascade-staging-records-'));
  dir = join(root, 'script-stagings', 'scripts');
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('StagingRecordStore', () => {
  it('reads nothing from a directory that does not exist yet', async () => {
    expect(await new StagingRecordStore(dir, 'scripts').loadAll()).toEqual({ records: [], unreadable: [] });
  });

  it('writes records privately and reads them back', async () => {
    const store = new StagingRecordStore(dir, 'scripts');
    const record = { ...newRecord('feature-x', 'scripts', 'salt'), phase: 'Running' as const };
    await store.save(record);
    await store.save({ ...record, phase: 'Archived' });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'feature-x.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['feature-x.json']);
    expect((await new StagingRecordStore(dir, 'scripts').loadAll()).records).toEqual([{ ...record, phase: 'Archived' }]);
  });

  it('applies the writes of one staging in order, a removal after the saves before it', async () => {
    const store = new StagingRecordStore(dir, 'scripts');
    const record = newRecord('feature-x', 'scripts', 'salt');
    await Promise.all([store.save(record), store.save({ ...record, phase: 'Running' }), store.remove('feature-x')]);
    expect(await readdir(dir)).toEqual([]);
    await Promise.all([store.remove('feature-x'), store.save({ ...record, phase: 'Failure' })]);
    expect((await store.loadAll()).records.map((r) => r.phase)).toEqual(['Failure']);
  });

  it('drops leftovers of interrupted writes and reports files it cannot use', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'feature-x.json.abc.tmp'), '{"half":');
    await writeFile(join(dir, 'broken.json'), '{');
    await writeFile(join(dir, 'other.json'), JSON.stringify(newRecord('other', 'another-target', 'salt')));
    await writeFile(join(dir, 'Not_A_Name.json'), '{}');
    await mkdir(join(dir, 'folder.json'));
    const { records, unreadable } = await new StagingRecordStore(dir, 'scripts').loadAll();
    expect(records).toEqual([]);
    expect(unreadable.map((u) => u.file.slice(dir.length + 1))).toEqual(['Not_A_Name.json', 'broken.json', 'folder.json', 'other.json']);
    expect((await readdir(dir)).sort()).toEqual(['Not_A_Name.json', 'broken.json', 'folder.json', 'other.json']);
  });

  it('refuses a name that is not a staging name as a file name', async () => {
    await expect(new StagingRecordStore(dir, 'scripts').save(newRecord('../escape', 'scripts', 'salt'))).rejects.toThrow(/not a staging name/);
  });
});
