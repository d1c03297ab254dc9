// What the tree reader keeps of trees: the names and ids that repeat across thousands of trees are held once.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { heapAfterCollection } from '../testing/retained.ts';
import type { ObjectContent, ObjectSource } from './object-reader.ts';
import { SharedReads } from '../repo/shared-reads.ts';
import { TreeReader } from './tree-reader.ts';

/** Git objects held in memory, named by their ids as git names them. */
class MemoryObjects implements ObjectSource {
  private readonly objects = new Map<string, { type: string; content: Buffer }>();

  add(type: string, content: Buffer): string {
    const oid = createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');
    this.objects.set(oid, { type, content });
    return oid;
  }

  /** Takes `oid` away, as a clone that lacks it. */
  remove(oid: string): void {
    this.objects.delete(oid);
  }

  async read(oid: string): Promise<ObjectContent> {
    const object = this.objects.get(oid);
    if (object === undefined) throw new Error(`no object ${oid}`);
    return { oid, type: object.type, size: object.content.length, content: object.content };
  }
}

/** A raw tree object of `entries` (sorted by name, as git writes them). */
function treeObject(entries: Array<{ mode: string; name: string; oid: string }>): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : 1));
  return Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, 'hex')])));
}

/**
 * A commit of `folders` folders of `files` files each, named and filled by `fileName` and `fileContent`, and the
 * heap a reader of it keeps (its caches and the files it returned).
 */
async function keptByRead(folders: number, files: number, fileName: (folder: number, file: number) => string, fileContent: (folder: number, file: number) => string): Promise<number> {
  const objects = new MemoryObjects();
  const root: Array<{ mode: string; name: string; oid: string }> = [];
  for (let folder = 0; folder < folders; folder++) {
    const entries = Array.from({ length: files }, (_, file) => ({ mode: '100644', name: fileName(folder, file), oid: objects.add('blob', Buffer.from(fileContent(folder, file))) }));
    // A file of each folder's own, so no two folders are the same tree (which git would store, and the reader read, once).
    entries.push({ mode: '100644', name: `own-${folder}`, oid: objects.add('blob', Buffer.from(`${folder}\n`)) });
    root.push({ mode: '40000', name: `folder-${folder}`, oid: objects.add('tree', treeObject(entries)) });
  }
  const commit = objects.add('commit', Buffer.from(`tree ${objects.add('tree', treeObject(root))}\n\nfiles\n`));
  const before = heapAfterCollection();
  const reader = new TreeReader(objects);
  const read = await reader.readFiles(commit);
  const kept = heapAfterCollection() - before;
  expect(read.files.size).toBe(folders * (files + 1));
  return kept;
}

describe('TreeReader', () => {
  it('holds a file name that many trees repeat once, not once per tree', async () => {
    const [folders, files] = [1000, 20];
    const longName = (file: number) => `a-file-name-long-enough-to-weigh-on-the-heap-${String(file).padStart(4, '0')}`;
    // The same blobs in both: only the names differ, repeated in every folder or each folder's own.
    const content = (_: number, file: number) => `content ${file}\n`;
    // A first read of the same size compiles and optimizes the reader, which would otherwise count to the first measured.
    await keptByRead(folders, files, (_, file) => `${longName(file)}.yaml`, content);
    const repeated = await keptByRead(folders, files, (_, file) => `${longName(file)}.yaml`, content);
    const distinct = await keptByRead(folders, files, (folder, file) => `${longName(file)}.${folder}`, content);
    // Names of about 60 characters (short enough to be held once): 20,000 of their own weigh some 2 MB more than 20
    // shared ones, well above what else a read leaves on the heap (a few hundred KB either way).
    expect(distinct - repeated).toBeGreaterThan(folders * files * 60);
  });

  it('keeps the entries of unchanged files when it reads a whole tree again after changes in their folder', async () => {
    const objects = new MemoryObjects();
    const file = (name: string, text: string) => ({ mode: '100644', name, oid: objects.add('blob', Buffer.from(text)) });
    const folder = (entries: Array<{ mode: string; name: string; oid: string }>) => objects.add('tree', treeObject(entries));
    const commit = (root: Array<{ mode: string; name: string; oid: string }>) => objects.add('commit', Buffer.from(`tree ${folder(root)}\n\nfiles\n`));
    const large = Array.from({ length: 2000 }, (_, i) => file(`file-${i}.yaml`, `content ${i}\n`));
    const first = commit([{ mode: '40000', name: 'large', oid: folder(large) }]);
    // One file of the large folder changed, and more files elsewhere than a read of changes only takes: a whole read.
    const changed = large.map((entry, i) => (i === 7 ? file(entry.name, 'changed\n') : entry));
    const added = Array.from({ length: 1500 }, (_, i) => file(`added-${i}.yaml`, `added ${i}\n`));
    const second = commit([{ mode: '40000', name: 'large', oid: folder(changed) }, { mode: '40000', name: 'added', oid: folder(added) }]);
    const reader = new TreeReader(objects);
    const before = await reader.readFiles(first);
    const after = await reader.readFiles(second);
    expect(after.changes).toBeUndefined();
    expect(after.files.size).toBe(3500);
    expect(after.files.get('large/file-7.yaml')).not.toBe(before.files.get('large/file-7.yaml'));
    expect(new TextDecoder().decode(after.files.get('large/file-7.yaml')?.content)).toBe('changed\n');
    const kept = [...before.files.keys()].filter((path) => after.files.get(path) === before.files.get(path));
    expect(kept).toHaveLength(1999);
  });

  it('takes the files another reader of the process is reading of the same commit in full, rather than walking it too', async () => {
    const objects = new MemoryObjects();
    const files = Array.from({ length: 50 }, (_, i) => ({ mode: '100644', name: `file-${i}.yaml`, oid: objects.add('blob', Buffer.from(`content ${i}\n`)) }));
    const commit = objects.add('commit', Buffer.from(`tree ${objects.add('tree', treeObject(files))}\n\nfiles\n`));
    const shared = new SharedReads();
    const [first, second] = [new TreeReader(objects, undefined, shared), new TreeReader(objects, undefined, shared)];
    // Started together, as the services of one process start: the second asks before the first has read anything.
    const [a, b] = await Promise.all([first.readFiles(commit), second.readFiles(commit)]);
    expect(b).toBe(a);
    expect(a.files.size).toBe(50);
    expect(second.stats()).toEqual({ treesRead: 0, blobsRead: 0 });
  });

  it('walks the commit itself when the walk it would take from another reader fails', async () => {
    // The same commit in two clones, one of them lacking a blob: its reader's walk fails.
    const [objects, lacking] = [new MemoryObjects(), new MemoryObjects()];
    const commitIn = (store: MemoryObjects) => {
      const files = Array.from({ length: 5 }, (_, i) => ({ mode: '100644', name: `file-${i}.yaml`, oid: store.add('blob', Buffer.from(`content ${i}\n`)) }));
      return { commit: store.add('commit', Buffer.from(`tree ${store.add('tree', treeObject(files))}\n\nfiles\n`)), missing: files[0]!.oid };
    };
    const { commit } = commitIn(objects);
    lacking.remove(commitIn(lacking).missing);
    const shared = new SharedReads();
    const [broken, whole] = [new TreeReader(lacking, undefined, shared), new TreeReader(objects, undefined, shared)];
    const [failed, read] = await Promise.allSettled([broken.readFiles(commit), whole.readFiles(commit)]);
    expect(failed.status).toBe('rejected');
    expect(read.status === 'fulfilled' ? read.value.files.size : read.reason).toBe(5);
  });
});
