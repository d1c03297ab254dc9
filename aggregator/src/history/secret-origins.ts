// Who set each encrypted value of the version files, and when. An encrypted value carries a random IV, so its text is
// unique to the push (or sops edit) that made it and a transition copies it unchanged: the oldest commit whose version
// file of that resource holds the text is the one that set it. Values are looked up once, with a bounded log.
import { parse } from 'yaml';
import type { Resource, SnapshotWithFiles } from '@cascade/common';
import type { GitRepo } from '@cascade/common/git';

/** The commit that set an encrypted value. */
export interface SecretOrigin {
  commit: string;
  author: string;
  time: string;
}

/** Most commits one lookup examines per resource: older origins show as unknown rather than walking all history. */
const DEFAULT_SCAN_LIMIT = 200;

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

  /** Finds the origins of values not seen before: one bounded log per resource over its version files in every environment, and per staging over its file. */
  async update(snapshot: SnapshotWithFiles): Promise<void> {
    // Only what the head holds is kept, so the maps shrink when values are replaced.
    const liveBlobs = new Set([...snapshot.files.files.values()].map((file) => file.oid));
    for (const oid of this.byBlob.keys()) if (!liveBlobs.has(oid)) this.byBlob.delete(oid);
    const liveValues = new Set<string>();
    const pending = new Map<string, { paths: Set<string>; values: Set<string> }>();
    for (const env of snapshot.environments.values()) {
      for (const resource of env.resources.values()) {
        const all = [...this.valuesOf(snapshot, resource).values()];
        for (const value of all) liveValues.add(value);
        const values = all.filter((value) => !this.byValue.has(value));
        if (values.length === 0) continue;
        const entry = pending.get(resource.name) ?? { paths: new Set<string>(), values: new Set<string>() };
        pending.set(resource.name, entry);
        for (const value of values) entry.values.add(value);
      }
    }
    for (const [name, entry] of pending) {
      for (const env of snapshot.environments.values()) {
        const path = versionFileOf(env.resources.get(name));
        if (path !== undefined) entry.paths.add(path);
      }
    }
    // A staging's secrets live in its own file only: its history is the history of that one path.
    for (const staging of snapshot.stagings.values()) {
      if (staging.encrypted === undefined) continue;
      const all = [...this.valuesAt(snapshot, staging.file).values()];
      for (const value of all) liveValues.add(value);
      const values = all.filter((value) => !this.byValue.has(value));
      if (values.length > 0) pending.set(stagingKey(staging.name), { paths: new Set([staging.file]), values: new Set(values) });
    }
    for (const value of this.byValue.keys()) if (!liveValues.has(value)) this.byValue.delete(value);
    for (const [name, entry] of pending) {
      await this.lookUp(snapshot.commit, entry.paths, entry.values);
      this.revisions.set(name, (this.revisions.get(name) ?? 0) + 1);
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
