// The encrypted values of version and staging files as the status shows them: key, who set it and when, never the value.
import type { SecretKeyView } from '@cascade/common/api';
import type { Resource, SnapshotWithFiles, Staging, YamlValue } from '@cascade/common';
import type { SecretOrigins } from '../history/secret-origins.ts';

/** What buildStatus asks about secrets; the aggregator answers from the head's files and the origins found. */
export interface SecretKeys {
  /** The resource's encrypted values, in file order. */
  of(resource: Resource): SecretKeyView[];
  /** Changes whenever `of` may answer differently for the resource with the same files. */
  revision(name: string): number;
  /** Changes whenever `revision` does for any resource. */
  revisionOfAll(): number;
  /** The names whose `revision` changed since revisionOfAll() answered `mark`; undefined when that cannot be told. */
  changedSince(mark: number): ReadonlySet<string> | undefined;
}

/** SecretKeys of one snapshot. */
export function secretKeysOf(snapshot: SnapshotWithFiles, origins: SecretOrigins): SecretKeys {
  return {
    of: (resource) =>
      [...origins.valuesOf(snapshot, resource)].map(([key, value]) => {
        const origin = origins.originOf(value);
        return origin ? { key, setBy: origin.author, setAt: origin.time, commit: origin.commit } : { key };
      }),
    revision: (name) => origins.revision(name),
    revisionOfAll: () => origins.revisionOfAll(),
    changedSince: (mark) => origins.changedSince(mark),
  };
}

/** The fields without the encrypted values' keys (maps they emptied go too); keys inside lists stay as the parser left them. */
export function withoutSecretKeys(fields: Record<string, YamlValue>, keys: readonly string[]): Record<string, YamlValue> {
  const drop = (map: Record<string, YamlValue>, path: string[]): Record<string, YamlValue> => {
    const [head, ...rest] = path;
    if (head === undefined || !Object.hasOwn(map, head)) return map;
    const entries: Array<[string, YamlValue]> = [];
    for (const [key, value] of Object.entries(map)) {
      if (key !== head || (rest.length > 0 && (value === null || typeof value !== 'object' || Array.isArray(value)))) entries.push([key, value]);
      else if (rest.length > 0) {
        const kept = drop(value as Record<string, YamlValue>, rest);
        if (Object.keys(kept).length > 0) entries.push([key, kept]);
      }
    }
    // fromEntries defines own fields, so a `__proto__` key stays a field; key order is kept.
    return Object.fromEntries(entries);
  };
  return keys.filter((key) => !key.includes('[')).reduce((map, key) => drop(map, key.split('.')), fields);
}

/** A staging's secret application config (`secrets.app`): each key with who set its encrypted value, never the value. */
export function stagingSecretKeys(snapshot: SnapshotWithFiles, origins: SecretOrigins, staging: Staging): SecretKeyView[] {
  const values = origins.valuesAt(snapshot, staging.file);
  return staging.secretKeys.map((key) => {
    const value = values.get(`secrets.app.${key}`);
    const origin = value === undefined ? undefined : origins.originOf(value);
    return origin ? { key, setBy: origin.author, setAt: origin.time, commit: origin.commit } : { key };
  });
}
