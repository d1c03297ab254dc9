// SOPS files as ordered trees: bounded YAML parsing into maps, lists and typed scalars, and writing them back.
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar as YamlScalar } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { SecretsError } from './errors.ts';
import { GoTimestamp, goReadsAsNonString, goTimestamp } from './go-yaml-scalars.ts';

/** Largest SOPS file Cascade reads or writes; a Kubernetes Secret holds at most 1 MiB before encryption inflates it. */
export const MAX_SOPS_FILE_BYTES = 4 * 1024 * 1024;

/** Deepest nesting of maps and lists accepted, so a hostile file cannot exhaust the stack. */
export const MAX_SOPS_DEPTH = 64;

/**
 * A leaf as sops's decoder types it: ints are bigint (exact, and so SOPS's `int` type survives), floats are number,
 * unquoted timestamps are GoTimestamp. The distinctions matter because SOPS authenticates each value by its Go text form.
 */
export type Scalar = string | number | bigint | boolean | null | GoTimestamp;

/** A value of a SOPS tree; maps keep their key order, which the MAC depends on. */
export type Tree = Scalar | TreeMap | Tree[];

/** A mapping with string keys in file order. */
export type TreeMap = Map<string, Tree>;

/** True for a map node of the tree. */
export function isTreeMap(value: Tree): value is TreeMap {
  return value instanceof Map;
}

/** Parses every YAML document of `text` into a map; throws SecretsError naming `file` and the line on anything else. */
export function parseYamlDocuments(text: string, file: string): TreeMap[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_SOPS_FILE_BYTES) {
    throw new SecretsError('too-large', { file, detail: `larger than ${MAX_SOPS_FILE_BYTES} bytes` });
  }
  const lines = new LineCounter();
  let documents;
  try {
    documents = parseAllDocuments(text, { lineCounter: lines, version: '1.2', schema: 'core', intAsBigInt: true, uniqueKeys: true, prettyErrors: false });
  } catch {
    // The parser itself can give up (stack depth); that is a malformed file, not a crash.
    throw new SecretsError('malformed-yaml', { file, detail: 'the YAML parser gave up' });
  }
  if (!Array.isArray(documents)) return [];
  return documents.map((document, index) => {
    const error = document.errors[0];
    // Only the error code and line: yaml's messages may quote the source, which may be a plain secret.
    if (error) throw new SecretsError('malformed-yaml', { file, line: lines.linePos(error.pos[0]).line, detail: `YAML error ${error.code}` });
    const contents = document.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) return new Map();
    if (!isMap(contents)) throw new SecretsError('malformed-yaml', { file, line: lineOf(contents, lines), detail: `document ${index + 1} is not a mapping` });
    return toTree(contents, { file, lines, depth: 0 }) as TreeMap;
  });
}

interface WalkContext {
  file: string;
  lines: LineCounter;
  depth: number;
}

/** Converts one YAML node, refusing what SOPS files never contain: aliases, non-string keys, odd scalar types. */
function toTree(node: unknown, context: WalkContext): Tree {
  if (node === null || node === undefined) return null;
  const { file, lines } = context;
  if (context.depth > MAX_SOPS_DEPTH) throw new SecretsError('malformed-yaml', { file, line: lineOf(node, lines), detail: `nested deeper than ${MAX_SOPS_DEPTH} levels` });
  const inner = { ...context, depth: context.depth + 1 };
  if (isAlias(node)) throw new SecretsError('malformed-yaml', { file, line: lineOf(node, lines), detail: 'YAML aliases are not accepted' });
  if (isMap(node)) {
    const map: TreeMap = new Map();
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') throw new SecretsError('malformed-yaml', { file, line: lineOf(key, lines), detail: 'a key is not a string' });
      map.set(key.value, toTree(pair.value, inner));
    }
    return map;
  }
  if (isSeq(node)) return node.items.map((item) => toTree(item, inner));
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === 'string' && node.type === YamlScalar.PLAIN && !node.tag) return goTimestamp(value) ?? value;
    if (value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value)) return value as Scalar;
  }
  throw new SecretsError('malformed-yaml', { file, line: lineOf(node, lines), detail: 'unsupported YAML value' });
}

/** 1-based line of a node, when the parser recorded its position. */
function lineOf(node: unknown, lines: LineCounter): number | undefined {
  const range = (node as YamlNode | null)?.range;
  return range ? lines.linePos(range[0]).line : undefined;
}

/** Writes documents as YAML the way sops lays them out (4-space indent, no line folding), `---` between them. */
export function formatYamlDocuments(documents: readonly TreeMap[]): string {
  return documents
    .map((tree) => new Document(forGoYaml(tree), { version: '1.2', schema: 'core' }).toString({ indent: 4, lineWidth: 0, indentSeq: true }))
    .join('---\n');
}

/** The tree with scalar styles fixed so go-yaml reads each value back with the type it had: timestamps plain, look-alikes quoted. */
function forGoYaml(tree: Tree): unknown {
  if (isTreeMap(tree)) return new Map([...tree].map(([key, value]) => [key, forGoYaml(value)]));
  if (Array.isArray(tree)) return tree.map(forGoYaml);
  if (tree instanceof GoTimestamp) return styled(tree.text, YamlScalar.PLAIN);
  if (typeof tree === 'string' && goReadsAsNonString(tree)) return styled(tree, YamlScalar.QUOTE_DOUBLE);
  return tree;
}

function styled(text: string, type: YamlScalar.Type): YamlScalar<string> {
  const node = new YamlScalar(text);
  node.type = type;
  return node;
}
