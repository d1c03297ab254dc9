// Git object ids computed in memory: a chain of commits knows each commit's id as soon as it is planned, so the
// writes of a batch need not wait for fast-import's answer one by one.
import { createHash } from 'node:crypto';
import { blobId, type RepoFile } from '../repo/files.ts';
import type { ChainCommit } from './commit-chain.ts';
import type { TreeOperation } from './tree-edit.ts';

/**
 * A folder: its entries by name, and its tree id once computed (cleared when something below it changes). `body` is
 * its tree object as last hashed, with where each entry's id sits in it, kept for a large folder while its names and
 * modes stay; `stale` names the entries whose id changed since, so a commit that changes one file of a folder of
 * thousands writes twenty bytes into that folder's body instead of sorting and serializing all its entries again.
 */
interface Folder {
  entries: Map<string, Folder | { mode: string; oid: string }>;
  oid?: string;
  body?: { bytes: Buffer; offsets: Map<string, number> };
  stale: Set<string>;
}

const MODE_BY_KIND: Record<RepoFile['kind'], string> = { file: '100644', executable: '100755', symlink: '120000', submodule: '160000' };

/**
 * Folders of at least this many entries keep their tree object between commits. A small folder is serialized again
 * in microseconds; keeping every folder's object would cost the aggregator about 12 MB at 80,000 paths.
 */
const KEEP_BODY_ENTRIES = 64;

/**
 * The tree of a commit as folders of ids, edited by the same operations fast-import gets. Building it costs the size
 * of the tree once; each edit afterwards re-hashes only the folders on its paths.
 */
export class TreeIds {
  private readonly root: Folder = newFolder();

  constructor(files: Iterable<RepoFile>) {
    for (const file of files) this.set(file.path, MODE_BY_KIND[file.kind], file.oid);
  }

  /** Applies a commit's operations, as fast-import does: a file replaces a folder (and the other way round), and a folder left empty goes. */
  apply(operations: readonly TreeOperation[]): void {
    for (const operation of operations) {
      if (operation.op === 'delete') this.delete(operation.path);
      else this.set(operation.path, operation.mode, operation.oid ?? blobId(operation.content));
    }
  }

  /** The id git gives the commit, whose tree is this one. */
  commitId(commit: Pick<ChainCommit, 'parent' | 'author' | 'committer' | 'time' | 'message'>): string {
    const seconds = Math.floor(commit.time.getTime() / 1000);
    const header = [
      `tree ${this.folderId(this.root)}`,
      ...(commit.parent ? [`parent ${commit.parent}`] : []),
      `author ${commit.author.name} <${commit.author.email}> ${seconds} +0000`,
      `committer ${commit.committer.name} <${commit.committer.email}> ${seconds} +0000`,
    ].join('\n');
    return objectId('commit', Buffer.from(`${header}\n\n${commit.message}`, 'utf8'));
  }

  private set(path: string, mode: string, oid: string): void {
    const names = path.split('/');
    const leaf = names.pop() as string;
    let folder = this.root;
    folder.oid = undefined;
    for (const name of names) {
      const next = folder.entries.get(name);
      if (next && 'entries' in next) changed(folder, name);
      else folder.body = undefined;
      const child: Folder = next && 'entries' in next ? next : newFolder();
      folder.entries.set(name, child);
      child.oid = undefined;
      folder = child;
    }
    const before = folder.entries.get(leaf);
    if (before && !('entries' in before) && before.mode === mode) changed(folder, leaf);
    else folder.body = undefined;
    folder.entries.set(leaf, { mode, oid });
  }

  private delete(path: string): void {
    const names = path.split('/');
    const trail: Array<{ folder: Folder; name: string }> = [];
    let folder: Folder = this.root;
    for (const name of names) {
      trail.push({ folder, name });
      const next = folder.entries.get(name);
      if (next === undefined) return;
      if (!('entries' in next)) {
        if (trail.length !== names.length) return;
        break;
      }
      folder = next;
    }
    for (const step of trail) {
      step.folder.oid = undefined;
      changed(step.folder, step.name);
    }
    // Remove the entry, then every folder it leaves empty: git has no empty trees.
    for (let i = trail.length - 1; i >= 0; i--) {
      const { folder: parent, name } = trail[i] as { folder: Folder; name: string };
      parent.entries.delete(name);
      parent.body = undefined;
      if (parent.entries.size > 0 || i === 0) break;
    }
  }

  private folderId(folder: Folder): string {
    if (folder.oid !== undefined) return folder.oid;
    const body = folder.body;
    if (body === undefined) return (folder.oid = objectId('tree', this.serialize(folder)));
    for (const name of folder.stale) {
      const entry = folder.entries.get(name) as Folder | { oid: string };
      body.bytes.write('entries' in entry ? this.folderId(entry) : entry.oid, body.offsets.get(name) as number, 'hex');
    }
    folder.stale.clear();
    folder.oid = objectId('tree', body.bytes);
    return folder.oid;
  }

  /** The folder's tree object from scratch: its entries in git's order, each `<mode> <name>\0<20-byte id>`; kept when the folder is large. */
  private serialize(folder: Folder): Buffer {
    const entries = [...folder.entries].map(([name, entry]) => {
      const isFolder = 'entries' in entry;
      // git orders a folder as if its name ended in `/`.
      return { key: Buffer.from(isFolder ? `${name}/` : name, 'utf8'), head: Buffer.from(`${isFolder ? '40000' : entry.mode} ${name}\0`, 'utf8'), name, oid: isFolder ? this.folderId(entry) : entry.oid };
    });
    entries.sort((a, b) => Buffer.compare(a.key, b.key));
    const bytes = Buffer.alloc(entries.reduce((size, entry) => size + entry.head.byteLength + 20, 0));
    // Where each id sits matters only to a body that is kept.
    const offsets = entries.length >= KEEP_BODY_ENTRIES ? new Map<string, number>() : undefined;
    let at = 0;
    for (const entry of entries) {
      at += entry.head.copy(bytes, at);
      offsets?.set(entry.name, at);
      at += bytes.write(entry.oid, at, 'hex');
    }
    folder.stale.clear();
    if (offsets !== undefined) folder.body = { bytes, offsets };
    return bytes;
  }
}

/** An empty folder, not yet hashed. */
function newFolder(): Folder {
  return { entries: new Map(), stale: new Set() };
}

/** Notes that the id of a folder's entry changed (its name and mode did not), to be written into the body kept. */
function changed(folder: Folder, name: string): void {
  if (folder.body !== undefined) folder.stale.add(name);
}

/** The id of a loose object: the hash of its type, size and content. */
function objectId(type: string, content: Buffer): string {
  return createHash('sha1').update(`${type} ${content.byteLength}\0`).update(content).digest('hex');
}
