import { describe, expect, it } from 'vitest';
import { parseYamlFile } from './yaml-file.ts';

/** The duplicate-key problems of a text, as `line:col` of the repeated key. */
function duplicatesIn(text: string): string[] {
  return parseYamlFile('f.yaml', text)
    .problems.filter((p) => p.message.startsWith('map keys must be unique'))
    .map((p) => `${p.line}:${p.col}`);
}

describe('duplicate keys', () => {
  it('reports the second key with its position, the first one in the message, under the yaml-syntax code', () => {
    const { problems } = parseYamlFile('dev/version/a.yaml', 'version: "1"\nimage: x\nversion: "2"\n');
    expect(problems).toEqual([{ file: 'dev/version/a.yaml', line: 3, col: 1, severity: 'error', code: 'yaml-syntax', message: 'map keys must be unique: "version" is already a key on line 1, column 1' }]);
  });

  // The same equality as the yaml library's uniqueKeys check, which the linear walk replaces.
  it.each([
    ['the same key quoted and plain', 'a: 1\n"a": 2\n', ['2:1']],
    ['a number and the same number written otherwise', '1: x\n1.0: y\n0x1: z\n', ['2:1', '3:1']],
    ['empty keys and null', ': a\n~: b\n', ['2:1']],
    ['keys in a flow map', 'x: {a: 1, b: 2, a: 3}\n', ['1:17']],
    ['keys of maps in a list', '- {a: 1}\n- a: 1\n  b: 2\n  b: 3\n', ['4:3']],
    ['nested maps each on their own', 'a:\n  b: 1\nc:\n  b: 1\n', []],
    ['a number and the string of it', '1: x\n"1": y\n', []],
    ['.nan twice (never equal to itself)', '.nan: 1\n.nan: 2\n', []],
    ['collection keys', '[a]: 1\n[a]: 2\n', []],
    ['repeats in every document', 'a: 1\na: 2\n---\nb: 1\nb: 2\n', ['2:1', '5:1']],
  ])('for %s', (_what, text, expected) => {
    expect(duplicatesIn(text)).toEqual(expected);
  });

  it('finds a repeat at the end of a map of 30,000 keys, and every repeat of a key', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `key${i}: ${i}\n`).join('');
    expect(duplicatesIn(`${keys}key7: again\nkey7: and again\n`)).toEqual(['30001:1', '30002:1']);
  });

  it('orders duplicate keys and syntax errors by their place in the file', () => {
    const codes = parseYamlFile('f.yaml', 'k: 1\nk: 2\nv: [x\n').problems.map((p) => `${p.line}:${p.message.slice(0, 8)}`);
    expect(codes).toEqual(['2:map keys', '4:Flow seq']);
  });
});
