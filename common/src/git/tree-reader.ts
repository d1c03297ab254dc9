// Reads a commit's whole tree without a work tree, re-reading only the subtrees and blobs that changed since the last read.
import { MAX_FILE_BYTES, type RepoEntryKind, type RepoFile, type RepoFiles } from '../repo/files.ts';
import type { ObjectSource } from './object-reader.ts';
import type { ReadStats } from './types.ts';
import { LayeredMap } from '../repo/layered-map.ts';
import type { SharedReads } from '../repo/shared-reads.ts';
import { StringTable } from '../repo/string-table.ts';

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

/** Past this many changed paths a read reports none: a consumer walks the tree anyway (a full parse). */
const MAX_REPORTED_CHANGES = 1000;

/**
 * Reads that take only the changed paths onto the last read's files before one walks the whole tree again: that walk
 * evicts from the caches what no recent commit uses, which the reads in between leave alone.
 */
const FULL_READ_EVERY = 64;

/** Paths that differ between two trees, each with its entry in the newer one; undefined where it is gone. */
type ChangedEntries = Map<string, TreeEntry | undefined>;

/** A file entry of a tree read now, before its blob is. */
interface Listed {
  path: string;
  kind: RepoEntryKind;
  oid: string;
}

/** A subtree as walked: its files as listed before (unchanged since), or its entries read now. */
type Walked = { files: RepoFile[] } | { key: string; entries: Array<Listed | Walked> };

/**
 * Reads trees and blobs through an ObjectSource with caches keyed by object id. A tree id names
 * its whole content, so an unchanged subtree is never read again, nor are its files listed again: its
 * flattened files are kept, and a new commit costs only what changed. The caches keep what the last two
 * reads used, so alternating between two commits is cheap too.
 */
export class TreeReader {
  private trees = new Map<string, TreeEntry[]>();
  private blobs = new Map<string, CachedBlob>();
  /** The files below a tree, by tree id and the path it was found at. */
  private listings = new Map<string, RepoFile[]>();
  private previousUse = { trees: new Set<string>(), blobs: new Set<string>(), listings: new Set<string>() };
  private readonly counters: ReadStats = { treesRead: 0, blobsRead: 0 };
  /** The last commit read: a service and its write path often read the same head one after the other. */
  private last: RepoFiles | undefined;
  /** The root tree of `last`, which the next read's tree is compared with for its changed paths. */
  private lastRoot: string | undefined;
  /** Reads since the last walk of a whole tree. */
  private changedOnlyReads = 0;

  /** `shared` holds what other readers of the process read (see SharedReads): a miss here asks it before git. */
  constructor(
    private readonly objects: ObjectSource,
    private readonly maxFileBytes: number = MAX_FILE_BYTES,
    private readonly shared?: SharedReads,
  ) {}

  /** Counts of git reads so far. */
  stats(): ReadStats {
    return { ...this.counters };
  }

  /** Every entry of the commit's tree, with the content of regular files within the size bound; callers must not change it. */
  async readFiles(commit: string): Promise<RepoFiles> {
    if (this.last?.commit === commit) return this.last;
    const commitObject = await this.objects.read(commit);
    const treeOid = /^tree ([0-9a-f]+)$/m.exec(commitObject.content?.toString('utf8') ?? '')?.[1];
    if (commitObject.type !== 'commit' || !treeOid) throw new Error(`object ${commit} is a ${commitObject.type}, not a commit`);
    // Another service of the process read this commit already (they follow the same branch): its files are these.
    // Counted as a read of changes only, so this reader's own walks, which evict from its caches, still come.
    const sharing = this.changedOnlyReads < FULL_READ_EVERY;
    const changedOnly = sharing ? (this.sharedFiles(commit) ?? (await this.readChangedOnly(commit, treeOid))) : undefined;
    // Another service walking the same commit in full right now (the services of `cascade up` start together): its
    // files, once read, rather than a walk and a copy of every entry of its own. Looked up and offered with no wait
    // in between, so of readers starting together one walks.
    const elsewhere = changedOnly === undefined && sharing ? this.walkingElsewhere(commit) : undefined;
    // A walk that failed there is this reader's to try again.
    const walked = changedOnly ?? (elsewhere === undefined ? undefined : await elsewhere.catch(() => undefined));
    if (walked !== undefined) {
      this.changedOnlyReads++;
      return this.keep(walked, treeOid);
    }
    this.changedOnlyReads = 0;
    const walking = this.walkWhole(commit, treeOid);
    this.shared?.objects.set(this.walkingKey(commit), walking);
    return walking;
  }

  /** The walk of the whole tree of `commit` another reader of the process with the same size bound has under way, if one has. */
  private walkingElsewhere(commit: string): Promise<RepoFiles> | undefined {
    return this.shared?.objects.get(this.walkingKey(commit)) as Promise<RepoFiles> | undefined;
  }

  /** Where a walk of the whole tree of `commit` is offered while it runs; contents read under this reader's size bound. */
  private walkingKey(commit: string): string {
    return `walking\0${this.maxFileBytes}\0${commit}`;
  }

  /** The commit's files read by a walk of its whole tree (subtrees listed before are not walked again), evicting from the caches what it did not use. */
  private async walkWhole(commit: string, treeOid: string): Promise<RepoFiles> {
    const use = { trees: new Set<string>(), blobs: new Set<string>(), listings: new Set<string>() };
    const root = await this.walk(treeOid, '', use);
    const fresh: Listed[] = [];
    collectFresh(root, fresh);
    // Asked for in batches: a request costs a little synchronous work, and tens of thousands of them at once would
    // keep the process from answering anything else (a health check) until all were written to the pipe.
    const blobs = new Map<string, CachedBlob>();
    for (let start = 0; start < fresh.length; start += BLOB_BATCH) {
      const batch = fresh.slice(start, start + BLOB_BATCH);
      const read = await Promise.all(batch.map((entry) => this.blob(entry.oid, entry.kind, use)));
      batch.forEach((entry, index) => blobs.set(entry.oid, read[index] ?? { size: 0 }));
    }
    const files = new Map<string, RepoFile>();
    for (const file of this.flatten(root, blobs)) files.set(file.path, file);
    // Compared before evicting: the previous read's trees are still cached, so the comparison reads nothing.
    const since = this.last?.commit;
    const changed = since !== undefined && this.lastRoot !== undefined ? await this.changedPaths(this.lastRoot, treeOid, '', new Map()) : undefined;
    const paths = changed === undefined ? undefined : [...changed.keys()];
    this.evictUnused(use);
    return this.keep({ commit, files, ...(since === undefined || paths === undefined ? {} : { changes: { since, paths } }) }, treeOid);
  }

  /** Makes `files` (of the commit whose root tree is `treeOid`) the last read, offered to the other readers of the process. */
  private keep(files: RepoFiles, treeOid: string): RepoFiles {
    this.last = files;
    this.lastRoot = treeOid;
    // Contents are read under this reader's size bound: shared only with readers that have the same.
    this.shared?.objects.set(`files\0${this.maxFileBytes}\0${files.commit}`, files);
    return files;
  }

  /** The files of `commit` as another reader of the process with the same size bound read them, if one still holds them. */
  private sharedFiles(commit: string): RepoFiles | undefined {
    return this.shared?.objects.get(`files\0${this.maxFileBytes}\0${commit}`) as RepoFiles | undefined;
  }

  /**
   * The commit's files as the last read's with only the changed paths read anew (their blobs, and the trees on their
   * way), sharing every other entry with the last read's map (LayeredMap): a commit that changes a few files costs
   * that, not a map of every path. Undefined when there is no last read or too much changed.
   */
  private async readChangedOnly(commit: string, treeOid: string): Promise<RepoFiles | undefined> {
    const last = this.last;
    if (last === undefined || this.lastRoot === undefined) return undefined;
    const entries = await this.changedPaths(this.lastRoot, treeOid, '', new Map());
    if (entries === undefined) return undefined;
    // Blobs read here are kept with the rest until the next walk of a whole tree evicts what it does not use.
    const use = { blobs: new Set<string>() };
    const paths = [...entries.keys()];
    // Read side by side, laid over in the order the trees list them, whichever blob came first.
    const files = await Promise.all([...entries].map(async ([path, entry]) => (entry === undefined ? undefined : this.fileAt(path, entry, use))));
    const changed = new Map(paths.map((path, index) => [path, files[index]]));
    return { commit, files: LayeredMap.next(last.files, changed), changes: { since: last.commit, paths } };
  }

  /** The file a (non-tree) entry stands for, its blob read through the cache. */
  private async fileAt(path: string, entry: TreeEntry, use: { blobs: Set<string> }): Promise<RepoFile> {
    const kind = (KIND_BY_MODE[entry.mode] ?? 'file') as RepoEntryKind;
    const blob = await this.blob(entry.oid, kind, use);
    const file: RepoFile = { path, kind, oid: entry.oid, size: blob.size };
    if (blob.content) file.content = blob.content;
    return file;
  }

  /**
   * The file paths below `prefix` whose entries differ between two trees, each with its entry in `after` (undefined
   * where it is gone, or a folder now), found by comparing tree ids first: an unchanged subtree is skipped whole, so
   * this costs what changed. Undefined past MAX_REPORTED_CHANGES.
   */
  private async changedPaths(before: string, after: string, prefix: string, out: ChangedEntries): Promise<ChangedEntries | undefined> {
    if (before === after) return out.size > MAX_REPORTED_CHANGES ? undefined : out;
    const [old, now] = await Promise.all([this.tree(before), this.tree(after)]);
    const byName = new Map(old.map((entry) => [entry.name, entry]));
    const seen = new Set<string>();
    for (const entry of now) {
      seen.add(entry.name);
      const was = byName.get(entry.name);
      if (was !== undefined && was.oid === entry.oid && was.mode === entry.mode) continue;
      if ((await this.entryChanged(was, entry, `${prefix}${entry.name}`, out)) === undefined) return undefined;
    }
    for (const entry of old) if (!seen.has(entry.name) && (await this.entryChanged(entry, undefined, `${prefix}${entry.name}`, out)) === undefined) return undefined;
    return out;
  }

  /** Adds the paths an entry that differs between two trees stands for: itself, or every file below a tree. */
  private async entryChanged(was: TreeEntry | undefined, now: TreeEntry | undefined, path: string, out: ChangedEntries): Promise<ChangedEntries | undefined> {
    const wasTree = was !== undefined && KIND_BY_MODE[was.mode] === 'tree';
    const isTree = now !== undefined && KIND_BY_MODE[now.mode] === 'tree';
    if (wasTree && isTree) return this.changedPaths(was.oid, now.oid, `${path}/`, out);
    // A file that became a folder or the other way round: the file's path, and every path below the folder.
    if ((was !== undefined && !wasTree) || (now !== undefined && !isTree)) out.set(path, isTree ? undefined : now);
    if (wasTree && (await this.allPaths(was.oid, `${path}/`, out, false)) === undefined) return undefined;
    if (isTree && (await this.allPaths(now.oid, `${path}/`, out, true)) === undefined) return undefined;
    return out.size > MAX_REPORTED_CHANGES ? undefined : out;
  }

  /** Adds every file path below a tree, with its entry when the tree is the newer one (`present`), else as gone. */
  private async allPaths(oid: string, prefix: string, out: ChangedEntries, present: boolean): Promise<ChangedEntries | undefined> {
    for (const entry of await this.tree(oid)) {
      if (KIND_BY_MODE[entry.mode] === 'tree') {
        if ((await this.allPaths(entry.oid, `${prefix}${entry.name}/`, out, present)) === undefined) return undefined;
      } else out.set(`${prefix}${entry.name}`, present ? entry : undefined);
      if (out.size > MAX_REPORTED_CHANGES) return undefined;
    }
    return out;
  }

  /** Walks subtrees in parallel so their reads share the pipeline; a subtree listed before is not walked again. */
  private async walk(treeOid: string, prefix: string, use: typeof this.previousUse): Promise<Walked> {
    const key = `${treeOid}\0${prefix}`;
    use.listings.add(key);
    const listed = this.listings.get(key) ?? this.sharedListing(key);
    if (listed !== undefined) return { files: listed };
    use.trees.add(treeOid);
    const entries = await this.tree(treeOid);
    const walked = await Promise.all(entries.map((entry): Listed | Promise<Walked> => {
      const kind = KIND_BY_MODE[entry.mode] ?? 'file';
      const path = prefix + entry.name;
      return kind === 'tree' ? this.walk(entry.oid, `${path}/`, use) : { path, kind, oid: entry.oid };
    }));
    return { key, entries: walked };
  }

  /** The files below a walked tree in tree order, remembering the listing of every subtree read now. */
  private flatten(walked: Walked, blobs: ReadonlyMap<string, CachedBlob>): RepoFile[] {
    if ('files' in walked) return walked.files;
    const files: RepoFile[] = [];
    for (const entry of walked.entries) {
      if (!('path' in entry)) {
        for (const file of this.flatten(entry, blobs)) files.push(file);
        continue;
      }
      // The last read's entry when it names the same object: a read of a whole tree after changes in a large folder
      // would otherwise make every file of that folder anew, and the listings kept for the last reads hold both.
      const last = this.last?.files.get(entry.path);
      if (last !== undefined && last.oid === entry.oid && last.kind === entry.kind) {
        files.push(last);
        continue;
      }
      const blob = entry.kind === 'submodule' ? { size: 0 } : blobs.get(entry.oid) ?? { size: 0 };
      const file: RepoFile = { path: entry.path, kind: entry.kind, oid: entry.oid, size: blob.size };
      if (blob.content) file.content = blob.content;
      files.push(file);
    }
    this.listings.set(walked.key, files);
    // A listing holds contents read under this reader's size bound: shared only with readers that have the same.
    this.shared?.objects.set(`listing\0${this.maxFileBytes}\0${walked.key}`, files);
    return files;
  }

  /** The listing another reader of the process made under the same size bound, kept as this reader's own. */
  private sharedListing(key: string): RepoFile[] | undefined {
    const files = this.shared?.objects.get(`listing\0${this.maxFileBytes}\0${key}`) as RepoFile[] | undefined;
    if (files !== undefined) this.listings.set(key, files);
    return files;
  }

  private async tree(oid: string): Promise<TreeEntry[]> {
    const cached = this.trees.get(oid);
    if (cached) return cached;
    const shared = this.shared?.objects.get(`tree\0${oid}`) as TreeEntry[] | undefined;
    if (shared) {
      this.trees.set(oid, shared);
      return shared;
    }
    const object = await this.objects.read(oid);
    this.counters.treesRead++;
    const entries = parseTree(object.content ?? Buffer.alloc(0));
    this.trees.set(oid, entries);
    this.shared?.objects.set(`tree\0${oid}`, entries);
    return entries;
  }

  private async blob(oid: string, kind: RepoEntryKind, use: { blobs: Set<string> }): Promise<CachedBlob> {
    // Submodule entries name a commit in another repository; there is nothing to read here.
    if (kind === 'submodule') return { size: 0 };
    use.blobs.add(oid);
    const cached = this.blobs.get(oid) ?? (kind === 'symlink' ? undefined : this.sharedBlob(oid));
    if (cached) return cached;
    this.counters.blobsRead++;
    const object = await this.objects.read(oid, this.maxFileBytes);
    const blob: CachedBlob = { size: object.size };
    // Symlink targets are read for their size only; Cascade never follows them.
    if (object.content && kind !== 'symlink') blob.content = new Uint8Array(object.content.buffer, object.content.byteOffset, object.content.byteLength);
    this.blobs.set(oid, blob);
    // A symlink's blob is kept without its content, so another reader taking it for a file would find none.
    if (kind !== 'symlink') this.shared?.objects.set(`blob\0${oid}`, blob);
    return blob;
  }

  /**
   * The blob another reader of the process read, kept as this reader's own when it was read as this reader would:
   * with its content when within this reader's size bound, without it when above.
   */
  private sharedBlob(oid: string): CachedBlob | undefined {
    const blob = this.shared?.objects.get(`blob\0${oid}`) as CachedBlob | undefined;
    if (blob === undefined || (blob.content !== undefined) !== blob.size <= this.maxFileBytes) return undefined;
    this.blobs.set(oid, blob);
    return blob;
  }

  private evictUnused(use: typeof this.previousUse): void {
    for (const oid of this.trees.keys()) if (!use.trees.has(oid) && !this.previousUse.trees.has(oid)) this.trees.delete(oid);
    for (const oid of this.blobs.keys()) if (!use.blobs.has(oid) && !this.previousUse.blobs.has(oid)) this.blobs.delete(oid);
    for (const key of this.listings.keys()) if (!use.listings.has(key) && !this.previousUse.listings.has(key)) this.listings.delete(key);
    this.previousUse = use;
  }
}

/** The file entries of the trees read now (not those of subtrees listed before), in tree order. */
function collectFresh(walked: Walked, out: Listed[]): void {
  if ('files' in walked) return;
  for (const entry of walked.entries) {
    if ('path' in entry) {
      if (entry.kind !== 'submodule') out.push(entry);
    } else collectFresh(entry, out);
  }
}

/**
 * Modes, names and ids of tree entries, held once for the process: every environment's folders repeat the same file
 * names, and equal files (a base copied into each environment) the same blob id, in thousands of trees.
 */
const entryStrings = new StringTable(50_000);

/** Parses a raw tree object: repeated `<mode> <name>\0<20-byte id>`. */
function parseTree(content: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(0x20, offset);
    const nul = content.indexOf(0x00, space);
    if (space < 0 || nul < 0 || nul + 21 > content.length) throw new Error('malformed git tree object');
    entries.push({
      mode: entryStrings.intern(content.subarray(offset, space).toString('latin1')),
      name: entryStrings.intern(content.subarray(space + 1, nul).toString('utf8')),
      oid: entryStrings.intern(content.subarray(nul + 1, nul + 21).toString('hex')),
    });
    offset = nul + 21;
  }
  return entries;
}
