// Who set each encrypted value of the version files, and when. An encrypted value carries a random IV, so its text is
// unique to the push (or sops edit) that made it and a transition copies it unchanged: the oldest commit whose version
// file of that resource holds the text is the one that set it. Values are looked up once, with a bounded log.
import { parse } from 'yaml';
import type { Resource, SnapshotWithFiles } from '@cascade/common';
import { classifyPath } from '@cascade/common';
import type { GitRepo } from '@cascade/common/git';
import { ChangeLog } from './change-log.ts';

/** The commit that set an encrypted value. */
export interface SecretOrigin {
  commit: string;
  author: string;
  time: string;
}

/** Most commits one lookup examines per resource: older origins show as unknown rather than walking all history. */
const DEFAULT_SCAN_LIMIT = 200;

/** Updates that read only the changed files before one reads every file again and forgets what the head lost. */
const FULL_UPDATE_EVERY = 100;

/** Values to look up, per resource name (or staging key), with the files whose history may hold them. */
type PendingLookups = Map<string, { paths: Set<string>; values: Set<string> }>;

// What sops writes for an encrypted value; the text only identifies it, nothing here decrypts.
const ENCRYPTED_VALUE = /^ENC\[AES256_GCM,/;
const decoder = new TextDecoder();

/** Encrypted values of a SOPS version file by key path (`secrets.API_KEY`, lists as `[i]`), the `sops` block left out. */
export function encryptedValuesOf(text: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string' && ENCRYPTED_VALUE.test(node)) found.set(path, node);
    else if (Array.isArray(node)) node.forEach((item, index) => walk(item, `${path}[${index}]`));
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) if (path !== '' || key !== 'sops') walk(value, path === '' ? key : `${path}.${key}`);
    }
  };
  try {
    walk(parse(text, { uniqueKeys: false, maxAliasCount: 0 }), '');
  } catch {
    // A file that does not parse has no values to show; the snapshot reports its problem.
  }
  return found;
}

/** Origins of encrypted values, by value text; fed with each new snapshot. */
export class SecretOrigins {
  private readonly byValue = new Map<string, SecretOrigin | null>();
  private readonly byBlob = new Map<string, Map<string, string>>();
  private readonly revisions = new Map<string, number>();
  /** The resources (and stagings) whose revision was bumped, in order. */
  private readonly changes = new ChangeLog();
  /** The commit of the last snapshot updated from, and how many updates since then read only changed files. */
  private taken: string | undefined;
  private partialUpdates = 0;

  constructor(
    private readonly repo: Pick<GitRepo, 'log' | 'readBlob'>,
    private readonly scanLimit = DEFAULT_SCAN_LIMIT,
  ) {}

  /** The encrypted values of a resource's version file, by key path; empty for plain files. */
  valuesOf(snapshot: SnapshotWithFiles, resource: Resource): Map<string, string> {
    return this.valuesAt(snapshot, versionFileOf(resource));
  }

  /** The encrypted values of the file at `path` (a version or staging file), by key path; empty for plain files. */
  valuesAt(snapshot: SnapshotWithFiles, path: string | undefined): Map<string, string> {
    const file = path === undefined ? undefined : snapshot.files.files.get(path);
    if (file?.content === undefined) return new Map();
    let values = this.byBlob.get(file.oid);
    if (values === undefined) {
      const text = decoder.decode(file.content);
      values = /^sops:\s*$/m.test(text) ? encryptedValuesOf(text) : new Map<string, string>();
      this.byBlob.set(file.oid, values);
    }
    return values;
  }

  /**
   * Finds the origins of values not seen before: one bounded log per resource over its version files in every
   * environment, and per staging over its file. A snapshot that names its changes since the last one taken has new
   * values only in the files it changed, so only those are read; every FULL_UPDATE_EVERY commits (and whenever the
   * changes are not known) every file is, and what the head no longer holds is forgotten.
   */
  async update(snapshot: SnapshotWithFiles): Promise<void> {
    const changes = snapshot.files.changes;
    const incremental = this.taken !== undefined && changes !== undefined && changes.since === this.taken && this.partialUpdates < FULL_UPDATE_EVERY;
    this.taken = snapshot.commit;
    this.partialUpdates = incremental ? this.partialUpdates + 1 : 0;
    const pending = incremental ? this.newValuesIn(snapshot, changes.paths) : this.newValuesAnywhere(snapshot);
    for (const [name, entry] of pending) {
      for (const env of snapshot.environments.values()) {
        const path = versionFileOf(env.resources.get(name));
        if (path !== undefined) entry.paths.add(path);
      }
    }
    for (const [name, entry] of pending) {
      await this.lookUp(snapshot.commit, entry.paths, entry.values);
      this.revisions.set(name, (this.revisions.get(name) ?? 0) + 1);
      this.changes.record(name);
    }
  }

  /** Values not seen before in every version and staging file, forgetting the blobs and values the head no longer holds. */
  private newValuesAnywhere(snapshot: SnapshotWithFiles): PendingLookups {
    // Only what the head holds is kept, so the maps shrink when values are replaced.
    const liveBlobs = new Set([...snapshot.files.files.values()].map((file) => file.oid));
    for (const oid of this.byBlob.keys()) if (!liveBlobs.has(oid)) this.byBlob.delete(oid);
    const liveValues = new Set<string>();
    const pending: PendingLookups = new Map();
    for (const env of snapshot.environments.values()) {
      for (const resource of env.resources.values()) this.addNew(pending, resource.name, this.valuesOf(snapshot, resource), liveValues);
    }
    for (const staging of snapshot.stagings.values()) {
      if (staging.encrypted !== undefined) this.addNew(pending, stagingKey(staging.name), this.valuesAt(snapshot, staging.file), liveValues, staging.file);
    }
    for (const value of this.byValue.keys()) if (!liveValues.has(value)) this.byValue.delete(value);
    return pending;
  }

  /** Values not seen before in the version and staging files among `paths`. */
  private newValuesIn(snapshot: SnapshotWithFiles, paths: readonly string[]): PendingLookups {
    const pending: PendingLookups = new Map();
    for (const path of paths) {
      const place = classifyPath(path);
      if (place.kind === 'resource' && place.folder === 'version') {
        const resource = snapshot.environments.get(place.env)?.resources.get(place.name);
        if (resource !== undefined && versionFileOf(resource) === path) this.addNew(pending, resource.name, this.valuesOf(snapshot, resource));
      }
      const staging = place.kind === 'staging' ? snapshot.stagings.get(place.name) : undefined;
      if (staging?.encrypted !== undefined && staging.file === path) this.addNew(pending, stagingKey(staging.name), this.valuesAt(snapshot, path), undefined, path);
    }
    return pending;
  }

  /** Adds to `pending` the values of `values` not looked up before, under `name`; `path` is the one file to search (a staging's). */
  private addNew(pending: PendingLookups, name: string, values: Map<string, string>, live?: Set<string>, path?: string): void {
    for (const value of values.values()) {
      live?.add(value);
      if (this.byValue.has(value)) continue;
      const entry = pending.get(name) ?? { paths: new Set<string>(path === undefined ? [] : [path]), values: new Set<string>() };
      pending.set(name, entry);
      entry.values.add(value);
    }
  }

  /** Who set the value, when it was found within the scanned history. */
  originOf(value: string): SecretOrigin | undefined {
    return this.byValue.get(value) ?? undefined;
  }

  /** A token that changes whenever the origins known for `resource` do. */
  revision(resource: string): number {
    return this.revisions.get(resource) ?? 0;
  }

  /** A token that changes whenever the origins known for any resource do. */
  revisionOfAll(): number {
    return this.changes.mark;
  }

  /** The resources whose origins changed since revisionOfAll() answered `mark`; undefined when that cannot be told. */
  changedSince(mark: number): ReadonlySet<string> | undefined {
    return this.changes.since(mark);
  }

  /** Oldest first, the first commit whose changed version file holds a value is its origin. */
  private async lookUp(head: string, paths: Set<string>, values: Set<string>): Promise<void> {
    const commits = await this.repo.log({ from: head, limit: this.scanLimit, firstParent: true, paths: [...paths], changes: true });
    for (const commit of commits.reverse()) {
      for (const change of commit.changes ?? []) {
        if (values.size === 0) break;
        if (change.blob === undefined || !paths.has(change.path)) continue;
        const bytes = await this.repo.readBlob(change.blob);
        if (bytes === undefined) continue;
        const text = decoder.decode(bytes);
        for (const value of [...values]) {
          if (!text.includes(value)) continue;
          this.byValue.set(value, { commit: commit.commit, author: commit.author.name, time: commit.time });
          values.delete(value);
        }
      }
    }
    // Set before the scanned window: shown without an origin, and not looked up again.
    for (const value of values) this.byValue.set(value, null);
  }
}

/** The key of a staging among the revisions and pending lookups, apart from every resource name (which has no ":"). */
function stagingKey(name: string): string {
  return `staging:${name}`;
}

/** The version file of a resource, when it has one. */
function versionFileOf(resource: Resource | undefined): string | undefined {
  const source = resource?.source;
  return source?.kind === 'template' || source?.kind === 'versionOnly' ? source.versionFile : undefined;
}
