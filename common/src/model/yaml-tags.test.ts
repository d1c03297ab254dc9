import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../repo/files.ts';
import { formatProblem } from './problem.ts';
import { renderEnvironment } from './render.ts';
import { parseSnapshot } from './snapshot.ts';
import { documentValue, parseYamlFile } from './yaml-file.ts';

const FILE = 'dev/deployable/app.yaml';
const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n';
const good = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: other }\ndata: { a: "1" }\n';

/** True when a value is made of JSON's types only: what a manifest must be to be applied as written. */
function plainJson(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(plainJson);
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(value as object).every(plainJson);
}

describe('tags JSON has no form for', () => {
  it.each([
    ['!!binary', 'binaryData:\n  b: !!binary aGVsbG8=\n', 5, 6, 'JSON has no binary values'],
    ['!!set', 'data: !!set\n  ? a\n  ? b\n', 4, 7, 'JSON has no sets'],
    ['!!omap', 'data: !!omap\n  - a: "1"\n  - b: "2"\n', 4, 7, 'JSON has no ordered maps'],
    ['!!pairs', 'data: !!pairs [a: "1", a: "2"]\n', 4, 7, 'JSON has no lists of pairs'],
    ['!!timestamp', 'data:\n  at: !!timestamp 2001-12-14t21:59:43.10-05:00\n', 5, 7, 'JSON has no dates'],
  ])('refuses %s, naming the file, the line and column of the tag, and why', (tag, body, line, col, why) => {
    const yaml = parseYamlFile(FILE, `${head}${body}`);
    const message = `${tag} is refused: repo files are read as JSON values, and ${why}`;
    expect(yaml.problems).toEqual([{ file: FILE, line, col, severity: 'error', code: 'yaml-tag', message: expect.stringContaining(message) }]);
    expect(formatProblem(yaml.problems[0]!)).toMatch(new RegExp(`^${FILE}:${line}:${col}: error: ${tag}`));
    // The library resolves none of them: no Buffer, Set, Map or Date is ever built, even in a refused file.
    expect(yaml.documents.every((doc) => plainJson(documentValue(yaml, doc).value))).toBe(true);
  });

  it('refuses the type written verbatim, and as a key', () => {
    const problems = parseYamlFile(FILE, `${head}data:\n  a: !<tag:yaml.org,2002:set> {x}\n  !!binary aGVsbG8=: b\n`).problems;
    expect(problems.map((p) => `${p.line}:${p.col} ${p.message.split(':')[0]}`)).toEqual(['5:6 !<tag', '6:3 !!binary is refused']);
  });

  it('refuses them under a %YAML 1.1 line too, where a plain date stays the string it is written as', () => {
    const yaml = parseYamlFile(FILE, `%YAML 1.1\n---\n${head}data:\n  at: 2001-12-14\n  b: !!binary aGVsbG8=\n`);
    expect(yaml.problems.map((p) => `${p.line}:${p.col} ${p.code}`)).toEqual(['8:6 yaml-tag']);
    expect(documentValue(yaml, yaml.documents[0]!).value).toMatchObject({ data: { at: '2001-12-14' } });
  });

  it('refuses custom tags, and a tag its value does not fit, instead of dropping them', () => {
    const problems = parseYamlFile(FILE, `${head}data:\n  a: !Ref other\n  b: !!float 1\n`).problems;
    expect(problems).toEqual([
      { file: FILE, line: 5, col: 6, severity: 'error', code: 'yaml-tag', message: 'tag !Ref is refused: Cascade reads no custom tags (nor a tag its value does not fit) and would drop it silently; remove the tag' },
      expect.objectContaining({ line: 6, col: 6, code: 'yaml-tag', message: expect.stringMatching(/^tag !!float is refused/) }),
    ]);
  });

  it('reads the tags of types JSON has as before', () => {
    const yaml = parseYamlFile(FILE, 'a: !!str 1\nb: !!int "2"\nc: !!float 1.5\nd: !!bool true\ne: !!null ""\nf: !!map {x: 1}\ng: !!seq [1]\nh: ! 12\n');
    expect(yaml.problems).toEqual([]);
    expect(documentValue(yaml, yaml.documents[0]!).value).toEqual({ a: '1', b: 2, c: 1.5, d: true, e: null, f: { x: 1 }, g: [1], h: '12' });
  });

  it('fails only the resource of the file with such a tag; the others in the repo render', () => {
    const files = {
      [FILE]: `${head}binaryData: { b: !!binary aGVsbG8= }\n`,
      'dev/deployable/other.yaml': good,
      'dev/base/web.yaml': `${head.replace('app', 'web')}data: { at: !!timestamp 2001-12-14, v: $version }\n`,
      'dev/version/web.yaml': 'version: "1"\n',
    };
    const rendered = renderEnvironment(parseSnapshot(repoFilesFromText('c1', files)), 'dev');
    expect(rendered.find((r) => r.name === 'app')).toMatchObject({ ok: false, problems: [{ file: FILE, line: 4, col: 18, code: 'yaml-tag', env: 'dev', resource: 'app' }] });
    expect(rendered.find((r) => r.name === 'web')).toMatchObject({ ok: false, problems: [{ file: 'dev/base/web.yaml', line: 4, col: 13, code: 'yaml-tag' }] });
    expect(rendered.find((r) => r.name === 'other')).toMatchObject({ ok: true, manifests: [{ data: { a: '1' } }] });
  });

  it('refuses a version file holding one, as it refuses a version file with a repeated key', () => {
    const files = { 'dev/base/web.yaml': `${head.replace('app', 'web')}data: { v: $version }\n`, 'dev/version/web.yaml': 'version: "1"\nat: !!timestamp 2001-12-14\n', 'dev/deployable/other.yaml': good };
    const snapshot = parseSnapshot(repoFilesFromText('c1', files));
    expect(snapshot.problems).toEqual([expect.objectContaining({ file: 'dev/version/web.yaml', line: 2, col: 5, code: 'yaml-tag' })]);
    expect(renderEnvironment(snapshot, 'dev').find((r) => r.name === 'other')).toMatchObject({ ok: true });
  });
});
