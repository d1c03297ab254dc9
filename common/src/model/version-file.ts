// Version files (`<env>/version/<name>.yaml`): a map with a required string `version` and any other keys.
import type { Problem } from './problem.ts';
import type { VersionData } from './types.ts';
import { documentValue, isPlainMap, keyNode, problemAt, yamlFileOf, type YamlSource } from './yaml-file.ts';
import { isSopsDocument, maskEncrypted, SOPS_KEY } from './secret-values.ts';

/** Parses a version file; returns the data, or the problems that make it unusable. */
export function parseVersionFile(file: string, source: YamlSource): { data?: VersionData; problems: Problem[] } {
  const yaml = yamlFileOf(file, source);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const [doc, ...rest] = yaml.documents;
  if (doc === undefined) return { problems: [{ file, severity: 'error', code: 'version-not-map', message: 'version file is empty; it must be a map with a "version" key' }] };
  if (rest.length > 0) return { problems: [problemAt(yaml, rest[0]?.contents, 'version-multi-doc', 'version file must hold exactly one YAML document')] };
  const { value: raw, problem } = documentValue(yaml, doc);
  if (problem) return { problems: [problem] };
  if (isPlainMap(raw) && raw[SOPS_KEY] !== undefined && !isSopsDocument(raw)) {
    return { problems: [problemAt(yaml, keyNode(doc, SOPS_KEY), 'bad-sops-metadata', '"sops" is reserved for SOPS metadata (a map written by sops); rename the key')] };
  }
  // An encrypted file's fields show a marker where each encrypted value is; only a renderer given keys sees the values.
  const encrypted = raw !== undefined && isSopsDocument(raw) ? maskEncrypted(raw) : undefined;
  const value = encrypted?.value ?? raw;
  if (!isPlainMap(value)) {
    return { problems: [problemAt(yaml, doc.contents, 'version-not-map', 'version file must be a map with a "version" key')] };
  }
  const version = value['version'];
  if (version === undefined) {
    return { problems: [problemAt(yaml, doc.contents, 'version-missing', 'version file lacks the required key "version"')] };
  }
  if (typeof version !== 'string') {
    const hint = typeof version === 'number' ? ` (quote it: version: "${version}")` : '';
    return { problems: [problemAt(yaml, keyNode(doc, 'version'), 'version-not-string', `"version" must be a string${hint}`)] };
  }
  if (version.trim() === '') {
    return { problems: [problemAt(yaml, keyNode(doc, 'version'), 'version-empty', '"version" must not be empty')] };
  }
  if (encrypted?.paths.includes('version')) {
    const message = '"version" is encrypted, but every service must read it; encrypt only the secret keys (e.g. encrypted_regex: ^(config|stringData)$)';
    return { problems: [problemAt(yaml, keyNode(doc, 'version'), 'version-encrypted', message)] };
  }
  return { data: { version, fields: value, ...(encrypted ? { encrypted: { paths: encrypted.paths } } : {}) }, problems: [] };
}
