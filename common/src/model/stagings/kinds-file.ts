// `stagings.yaml`: the kinds of staging a team offers, written by people (DevOps).
import { parseDuration } from '../duration.ts';
import { checkEnvName } from '../names.ts';
import type { Problem } from '../problem.ts';
import type { StagingKind } from '../types.ts';
import { isPlainMap, nodeAt, problemAt, readSingleDocument, type YamlSource } from '../yaml-file.ts';
import { checkNamespacePattern, DNS_LABEL } from './names.ts';

const KIND_KEYS = ['template', 'target', 'namespace', 'baseDomain', 'archiveAfter', 'retention', 'limit'] as const;

/** Retention when a kind names none: two weeks, long enough to notice a mistaken archive. */
export const DEFAULT_RETENTION_MS = 14 * 86_400_000;

/** A domain name: DNS labels joined by dots. */
const DOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Parses stagings.yaml; a malformed kind is reported and left out, the others stay usable. */
export function parseStagingKindsFile(file: string, source: YamlSource): { kinds: Map<string, StagingKind>; problems: Problem[] } {
  const kinds = new Map<string, StagingKind>();
  const read = readSingleDocument(file, source);
  if ('problems' in read) return { kinds, problems: read.problems };
  const { yaml, doc, value } = read;
  if (doc === undefined) return { kinds, problems: [] };
  const map = isPlainMap(value) ? value['stagings'] : undefined;
  if (!isPlainMap(value) || (map !== undefined && map !== null && !isPlainMap(map))) {
    return { kinds, problems: [problemAt(yaml, doc.contents, 'stagings-bad-shape', 'stagings.yaml must be a map "stagings:" of kind name to { template, target, namespace, baseDomain, archiveAfter, retention, limit }')] };
  }
  const problems: Problem[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'stagings') problems.push(problemAt(yaml, nodeAt(doc, [key]), 'stagings-unknown-key', `unknown key "${key}"; expected "stagings"`));
  }
  for (const [name, entry] of Object.entries(map ?? {})) {
    const before = problems.length;
    const at = (path: string[], message: string) => problems.push(problemAt(yaml, nodeAt(doc, ['stagings', name, ...path]), 'stagings-bad-kind', `stagings.${name}: ${message}`));
    if (!DNS_LABEL.test(name) || name.length > 63) at([], 'a kind name must be a DNS label (lower-case letters, digits, "-")');
    if (!isPlainMap(entry)) {
      at([], 'must be a map with "template" and "target"');
      continue;
    }
    for (const key of Object.keys(entry)) {
      if (!(KIND_KEYS as readonly string[]).includes(key)) at([key], `unknown key "${key}"; expected one of ${KIND_KEYS.join(', ')}`);
    }
    const { template, target, namespace, baseDomain, archiveAfter, retention, limit } = entry;
    if (typeof template !== 'string' || checkEnvName(template) !== undefined) at(['template'], '"template" must name an environment of the repo');
    if (typeof target !== 'string' || target === '') at(['target'], '"target" must name a target of the deployer\'s config');
    if (namespace !== undefined) {
      const why = typeof namespace === 'string' ? checkNamespacePattern(namespace) : '"namespace" must be a pattern such as "shop-{name}"';
      if (why) at(['namespace'], why);
    }
    if (baseDomain !== undefined && (typeof baseDomain !== 'string' || !DOMAIN.test(baseDomain))) at(['baseDomain'], '"baseDomain" must be a domain name such as shop.example.com');
    const archiveAfterMs = durationOf(archiveAfter, 'archiveAfter', at);
    const retentionMs = durationOf(retention, 'retention', at);
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) at(['limit'], '"limit" must be a whole number of at least 1');
    if (problems.length > before) continue;
    kinds.set(name, {
      name,
      template: template as string,
      target: target as string,
      ...(typeof namespace === 'string' ? { namespace } : {}),
      ...(typeof baseDomain === 'string' ? { baseDomain } : {}),
      ...(archiveAfterMs === undefined ? {} : { archiveAfterMs }),
      retentionMs: retentionMs ?? DEFAULT_RETENTION_MS,
      ...(typeof limit === 'number' ? { limit } : {}),
    });
  }
  return { kinds, problems };
}

/** A duration field (`7d`, `12h`) in milliseconds; reports anything else. */
function durationOf(value: unknown, key: string, at: (path: string[], message: string) => void): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms <= 0) {
    at([key], `"${key}" must be a duration such as 7d, 12h or 30m`);
    return undefined;
  }
  return ms;
}
