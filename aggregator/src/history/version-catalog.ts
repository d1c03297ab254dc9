// Every version of every resource Cascade has seen, with the commit that introduced it, built from indexed history.
import type { HistoryEntry, KnownVersion } from '@cascade/common/api';
import { trailerValues } from '@cascade/common/git';
import { ChangeLog } from './change-log.ts';

/** Where a version came from. */
type Origin = Omit<KnownVersion, 'presentIn' | 'version'>;

/** Most versions remembered per resource (the newest). */
export const MAX_VERSIONS_PER_RESOURCE = 100;

/** Known versions per resource in order of introduction; fed with history entries oldest first. */
export class VersionCatalog {
  private readonly byResource = new Map<string, Map<string, Origin>>();
  /** Bumped per resource when its versions change, and for all by `clear`, so a status can keep what did not change. */
  private readonly revisions = new Map<string, number>();
  private epoch = 0;
  /** The resources whose revision was bumped, in order. */
  private readonly changes = new ChangeLog();

  /** Records the versions a commit introduced: a version push names resource, environment and version in its trailers. */
  record(entry: HistoryEntry): void {
    if (entry.type !== 'Version' || entry.resources.length !== 1 || entry.versions.length !== 1) return;
    const env = trailerValues(entry.trailers, 'env')[0];
    this.introduce(entry.resources[0] as string, entry.versions[0] as string, entry, env);
  }

  /** Records a version that appeared without a version-push trailer (a person's commit), attributed to `entry` when known. */
  introduce(resource: string, version: string, entry: HistoryEntry | undefined, env: string | undefined): void {
    const versions = this.byResource.get(resource) ?? new Map<string, Origin>();
    this.byResource.set(resource, versions);
    if (versions.has(version)) return;
    this.revisions.set(resource, (this.revisions.get(resource) ?? 0) + 1);
    this.changes.record(resource);
    versions.set(version, entry ? { commit: entry.commit, time: entry.time, author: entry.author.name, changelog: entry.body, ...(env ? { env } : {}) } : env ? { env } : {});
    if (versions.size > MAX_VERSIONS_PER_RESOURCE) versions.delete(versions.keys().next().value as string);
  }

  /** Tells whether the version of a resource is known. */
  has(resource: string, version: string): boolean {
    return this.byResource.get(resource)?.has(version) ?? false;
  }

  /** The commit and time that introduced a version of a resource, when the catalog knows them. */
  originOf(resource: string, version: string): { commit: string; time: string } | undefined {
    const origin = this.byResource.get(resource)?.get(version);
    return origin?.commit === undefined || origin.time === undefined ? undefined : { commit: origin.commit, time: origin.time };
  }

  /** Known versions of a resource, newest first, with the environments that hold each now. */
  versionsOf(resource: string, presentIn: Map<string, string[]>): KnownVersion[] {
    const known = this.byResource.get(resource) ?? new Map<string, Origin>();
    const listed = [...known.entries()].reverse().map(([version, origin]) => ({ version, ...origin, presentIn: presentIn.get(version) ?? [] }));
    // Versions in the repo whose origin lies before the indexed window still show, last.
    const unknown = [...presentIn.entries()].filter(([version]) => !known.has(version)).map(([version, envs]) => ({ version, presentIn: envs }));
    return [...listed, ...unknown];
  }

  /** A token that changes whenever the known versions of `resource` do. */
  revision(resource: string): string {
    return `${this.epoch}:${this.revisions.get(resource) ?? 0}`;
  }

  /** A token that changes whenever the known versions of any resource do. */
  revisionOfAll(): number {
    return this.changes.mark;
  }

  /** The resources whose known versions changed since revisionOfAll() answered `mark`; undefined when that cannot be told. */
  changedSince(mark: number): ReadonlySet<string> | undefined {
    return this.changes.since(mark);
  }

  /** Forgets everything (history was rewritten). */
  clear(): void {
    this.byResource.clear();
    this.epoch++;
    this.changes.recordAll();
  }
}
