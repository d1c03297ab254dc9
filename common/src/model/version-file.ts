// Version files (`<env>/version/<name>.yaml`): a map with a required string `version` and any other keys.
import type { Problem } from './problem.ts';
import type { VersionData } from './types.ts';
import { documentValue, isPlainMap, keyNode, problemAt, yamlFileOf, type YamlSource } from './yaml-file.ts';

/** Parses a version file; returns the data, or the problems that make it unusable. */
export function parseVersionFile(file: string, source: YamlSource): { data?: VersionData; problems: Problem[] } {
  const yaml = yamlFileOf(file, source);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const [doc, ...rest] = yaml.documents;
  if (doc === undefined) return { problems: [{ file, severity: 'error', code: 'version-not-map', message: 'version file is empty; it must be a map with a "version" key' }] };
  if (rest.length > 0) return { problems: [problemAt(yaml, rest[0]?.contents, 'version-multi-doc', 'version file must hold exactly one YAML document')] };
  const { value, problem } = documentValue(yaml, doc);
  if (problem) return { problems: [problem] };
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
  return { data: { version, fields: value }, problems: [] };
}
