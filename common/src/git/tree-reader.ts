// Reads a commit's whole tree without a work tree, re-reading only the subtrees and blobs that changed since the last read.
import { MAX_FILE_BYTES, type RepoEntryKind, type RepoFile, type RepoFiles } from '../repo/files.ts';
import type { ObjectSource } from './object-reader.ts';
import type { ReadStats } from './types.ts';

/** One entry of a raw git tree object. */
interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

interface CachedBlob {
  size: number;
  content?: Uint8Array;
}

const KIND_BY_MODE: Record<string, RepoEntryKind | 'tree'> = {
  '40000': 'tree',
  '100644': 'file',
  '100664': 'file',
  '100755': 'executable',
  '120000': 'symlink',
  '160000': 'submodule',
};

/** Blob reads outstanding at once: enough to keep the cat-file pipe busy. */
const BLOB_BATCH = 500;

/**
 * Reads trees and blobs through an ObjectSource with caches keyed by object id. A tree id names
 * its whole content, so an unchanged subtree is never read again and a new commit costs only what
 * changed. The caches keep what the last two reads used, so alternating between two commits is cheap too.
 */
export class TreeReader {
  private trees = new Map<string, TreeEntry[]>();
  private blobs = new Map<string, CachedBlob>();
  private previousUse = { trees: new Set<string>(), blobs: new Set<string>() };
  private readonly counters: ReadStats = { treesRead: 0, blobsRead: 0 };

  constructor(
    private readonly objects: ObjectSource,
    private readonly maxFileBytes: number = MAX_FILE_BYTES,
  ) {}

  /** Counts of git reads so far. */
  stats(): ReadStats {
    return { ...this.counters };
  }

  /** Every entry of the commit's tree, with the content of regular files within the size bound. */
  async readFiles(commit: string): Promise<RepoFiles> {
    const use = { trees: new Set<string>(), blobs: new Set<string>() };
    const commitObject = await this.objects.read(commit);
    const treeOid = /^tree ([0-9a-f]+)$/m.exec(commitObject.content?.toString('utf8') ?? '')?.[1];
    if (commitObject.type !== 'commit' || !treeOid) throw new Error(`object ${commit} is a ${commitObject.type}, not a commit`);
    const listed: Array<{ path: string; kind: RepoEntryKind; oid: string }> = [];
    await this.walk(treeOid, '', listed, use);
    // Asked for in batches: a request costs a little synchronous work, and tens of thousands of them at once would
    // keep the process from answering anything else (a health check) until all were written to the pipe.
    const blobs: CachedBlob[] = [];
    for (let start = 0; start < listed.length; start += BLOB_BATCH) {
      blobs.push(...(await Promise.all(listed.slice(start, start + BLOB_BATCH).map((entry) => this.blob(entry.oid, entry.kind, use)))));
    }
    const files = new Map<string, RepoFile>();
    listed.forEach((entry, index) => {
      const blob = blobs[index] ?? { size: 0 };
      const file: RepoFile = { path: entry.path, kind: entry.kind, oid: entry.oid, size: blob.size };
      if (blob.content) file.content = blob.content;
      files.set(entry.path, file);
    });
    this.evictUnused(use);
    return { commit, files };
  }

  /** Walks subtrees in parallel so their reads share the pipeline. */
  private async walk(treeOid: string, prefix: string, out: Array<{ path: string; kind: RepoEntryKind; oid: string }>, use: { trees: Set<string> }): Promise<void> {
    use.trees.add(treeOid);
    const entries = await this.tree(treeOid);
    const subtrees: Array<Promise<void>> = [];
    for (const entry of entries) {
      const kind = KIND_BY_MODE[entry.mode] ?? 'file';
      const path = prefix + entry.name;
      if (kind === 'tree') subtrees.push(this.walk(entry.oid, `${path}/`, out, use));
      else out.push({ path, kind, oid: entry.oid });
    }
    await Promise.all(subtrees);
  }

  private async tree(oid: string): Promise<TreeEntry[]> {
    const cached = this.trees.get(oid);
    if (cached) return cached;
    const object = await this.objects.read(oid);
    this.counters.treesRead++;
    const entries = parseTree(object.content ?? Buffer.alloc(0));
    this.trees.set(oid, entries);
    return entries;
  }

  private async blob(oid: string, kind: RepoEntryKind, use: { blobs: Set<string> }): Promise<CachedBlob> {
    // Submodule entries name a commit in another repository; there is nothing to read here.
    if (kind === 'submodule') return { size: 0 };
    use.blobs.add(oid);
    const cached = this.blobs.get(oid);
    if (cached) return cached;
    this.counters.blobsRead++;
    const object = await this.objects.read(oid, this.maxFileBytes);
    const blob: CachedBlob = { size: object.size };
    // Symlink targets are read for their size only; Cascade never follows them.
    if (object.content && kind !== 'symlink') blob.content = new Uint8Array(object.content.buffer, object.content.byteOffset, object.content.byteLength);
    this.blobs.set(oid, blob);
    return blob;
  }

  private evictUnused(use: { trees: Set<string>; blobs: Set<string> }): void {
    for (const oid of this.trees.keys()) if (!use.trees.has(oid) && !this.previousUse.trees.has(oid)) this.trees.delete(oid);
    for (const oid of this.blobs.keys()) if (!use.blobs.has(oid) && !this.previousUse.blobs.has(oid)) this.blobs.delete(oid);
    this.previousUse = use;
  }
}

/** Parses a raw tree object: repeated `<mode> <name>\0<20-byte id>`. */
function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    const nul = content.indexOf(0x00, space);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error('malformed git tree object');
    entries.push({
      mode: content.subarray(offset, space).toString('latin1'),
      name: content.subarray(space + 1, nul).toString('utf8'),
      oid: content.subarray(nul + 1, nul + 21).toString('hex'),
    });
    offset = nul + 21;
  }
  return entries;
}
