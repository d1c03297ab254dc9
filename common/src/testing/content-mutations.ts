// Seeded ways to break the content of one YAML file: what a hostile push, a bad merge or a careless edit produces.
import { isMap, isPair, isScalar, parseAllDocuments, Scalar, visit, type Document } from 'yaml';
import type { Prng } from './prng.ts';

/** Names of the content mutations, for reports and for choosing one on purpose. */
export const CONTENT_MUTATIONS = ['truncate', 'odd-bytes', 'alias-bomb', 'duplicate-key', 'wrong-type', 'builtin-placeholder', 'builtin-key'] as const;

/** One content mutation's name. */
export type ContentMutationKind = (typeof CONTENT_MUTATIONS)[number];

/** Placeholders naming JavaScript built-ins: a lookup that follows the prototype chain resolves them. */
export const BUILTIN_PLACEHOLDERS = ['${constructor}', '${__proto__}', '${toString}', '${hasOwnProperty}', '${valueOf}', '${config.constructor}', '${__proto__.polluted}', '${isPrototypeOf}'];

/** Keys named like JavaScript built-ins, as a version file or manifest may have them. */
const BUILTIN_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

/** Values of the wrong type for almost any field. */
const WRONG_VALUES: unknown[] = [42, 1.5, true, null, [], {}, 'text', ['a', 1], { nested: { deep: [1] } }, '${replicas}', '', '0x1F', '1.10'];

/** Code points that are valid UTF-8 but odd in YAML or in text: NUL, line and paragraph separators, bidi override, BOM. */
const ODD_CHARACTERS = ['\u0000', '\u2028', '\u2029', '\u202e', '\ufeff', '\u0007'];

/** Byte sequences that are not UTF-8: a lone continuation byte, a truncated lead byte, 0xFF. */
const INVALID_UTF8 = [[0x80], [0xc3], [0xff], [0xed, 0xa0, 0x80]];

/** How often each is drawn: built-in names are the likeliest to reach past the parser into JavaScript. */
const WEIGHTED: readonly ContentMutationKind[] = [...CONTENT_MUTATIONS, 'builtin-placeholder'];

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Applies one content mutation (chosen by `kind`, or at random) and says what it did. */
export function mutateContent(content: Uint8Array, rng: Prng, kind: ContentMutationKind = rng.pick(WEIGHTED)): { content: Uint8Array; what: string } {
  const text = decoder.decode(content);
  switch (kind) {
    case 'truncate': {
      const at = rng.int(content.byteLength + 1);
      // Byte-level, so a cut may also split a multi-byte character.
      return { content: content.slice(0, at), what: `truncated at byte ${at}` };
    }
    case 'odd-bytes': {
      const at = rng.int(content.byteLength + 1);
      const invalid = rng.chance(0.5);
      const inserted = invalid ? Uint8Array.from(rng.pick(INVALID_UTF8)) : encoder.encode(rng.pick(ODD_CHARACTERS));
      const out = new Uint8Array(content.byteLength + inserted.byteLength);
      out.set(content.subarray(0, at), 0);
      out.set(inserted, at);
      out.set(content.subarray(at), at + inserted.byteLength);
      return { content: out, what: `inserted bytes [${[...inserted].join(',')}] at byte ${at}` };
    }
    case 'alias-bomb':
      return { content: encoder.encode(`${withNewline(text)}${aliasBomb()}`), what: 'appended an alias bomb' };
    case 'duplicate-key': {
      const keys = [...lastDocument(text).matchAll(/^([A-Za-z_][\w.-]*):/gm)].map((m) => m[1] as string);
      const key = keys.length > 0 ? rng.pick(keys) : 'version';
      return { content: encoder.encode(`${withNewline(text)}${key}: duplicate\n`), what: `repeated key "${key}"` };
    }
    case 'wrong-type':
      return editDocuments(text, rng, (doc) => replaceRandomValue(doc, rng)) ?? mutateContent(content, rng, 'truncate');
    case 'builtin-placeholder':
      return editDocuments(text, rng, (doc) => placeBuiltin(doc, rng)) ?? mutateContent(content, rng, 'truncate');
    case 'builtin-key':
      return editDocuments(text, rng, (doc) => addBuiltinKey(doc, rng)) ?? mutateContent(content, rng, 'truncate');
  }
}

/** Edits one document of a file through the yaml library; undefined when the file does not parse or has no place to edit. */
function editDocuments(text: string, rng: Prng, edit: (doc: Document) => string | undefined): { content: Uint8Array; what: string } | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length === 0 || docs.some((d) => d.errors.length > 0)) return undefined;
  const what = edit(rng.pick(docs));
  if (what === undefined) return undefined;
  return { content: encoder.encode(docs.map(String).join('')), what };
}

/** Replaces the value of a random map entry with a value of some other type. */
function replaceRandomValue(doc: Document, rng: Prng): string | undefined {
  const pairs: Array<{ key: string; set: (v: unknown) => void }> = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key)) pairs.push({ key: String(pair.key.value), set: (v) => (pair.value = doc.createNode(v)) });
    },
  });
  if (pairs.length === 0) return undefined;
  const target = rng.pick(pairs);
  const value = rng.pick(WRONG_VALUES);
  target.set(value);
  return `set "${target.key}" to ${JSON.stringify(value)}`;
}

/** Turns a random string value into a placeholder naming a JavaScript built-in, plain or quoted, alone or in text. */
function placeBuiltin(doc: Document, rng: Prng): string | undefined {
  const scalars: Scalar[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key !== 'key' && typeof node.value === 'string') scalars.push(node);
    },
  });
  if (scalars.length === 0) return undefined;
  const node = rng.pick(scalars);
  const placeholder = rng.pick(BUILTIN_PLACEHOLDERS);
  node.value = rng.chance(0.3) ? `x-${placeholder}` : placeholder;
  node.type = rng.chance(0.5) ? Scalar.PLAIN : Scalar.QUOTE_DOUBLE;
  return `set a value to ${node.type === Scalar.PLAIN ? '' : 'quoted '}${String(node.value)}`;
}

/** Adds a top-level key named like a JavaScript built-in. */
function addBuiltinKey(doc: Document, rng: Prng): string | undefined {
  if (!isMap(doc.contents) || doc.contents.items.some((p) => isPair(p) && isScalar(p.key) && BUILTIN_KEYS.includes(String(p.key.value)))) return undefined;
  const key = rng.pick(BUILTIN_KEYS);
  const value = rng.pick([{ polluted: true, image: 'evil' }, 'evil', 1, ['x']]);
  doc.set(key, value);
  return `added key ${key}: ${JSON.stringify(value)}`;
}

/** A document that expands to 10^5 nodes from a few lines. */
function aliasBomb(): string {
  return ['bomb_a: &bomb_a [x, x, x, x, x, x, x, x, x, x]', 'bomb_b: &bomb_b [*bomb_a, *bomb_a, *bomb_a, *bomb_a, *bomb_a, *bomb_a, *bomb_a, *bomb_a, *bomb_a, *bomb_a]', 'bomb_c: &bomb_c [*bomb_b, *bomb_b, *bomb_b, *bomb_b, *bomb_b, *bomb_b, *bomb_b, *bomb_b, *bomb_b, *bomb_b]', 'bomb_d: [*bomb_c, *bomb_c, *bomb_c, *bomb_c, *bomb_c, *bomb_c, *bomb_c, *bomb_c, *bomb_c, *bomb_c]', ''].join('\n');
}

/** The text after the last `---` line, where appended keys land. */
function lastDocument(text: string): string {
  return text.split(/^---.*$/m).pop() ?? text;
}

/** The text with a final newline, so appended lines start a line of their own. */
function withNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}
