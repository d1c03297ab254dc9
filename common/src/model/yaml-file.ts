// Bounded, position-aware YAML parsing: every syntax problem becomes a Problem with line and column.
import { Composer, CST, Lexer, LineCounter, Parser, isMap, isScalar, isSeq, isPair, type Document, type Node } from 'yaml';
import { findDuplicateKeys } from './duplicate-keys.ts';
import { JSON_ONLY_TAGS, refusedTags } from './yaml-tags.ts';
import { runSteps, type Steps } from './steps.ts';
import type { Problem } from './problem.ts';
import type { YamlValue } from './types.ts';

/** Aliases allowed per document; an alias bomb expands far beyond this and is refused. */
const MAX_ALIAS_COUNT = 100;

/**
 * Most YAML nodes one file may hold. Counted are scalars, aliases, flow collections, list items (`-`) and map entries
 * (`:`, `?`), so `key: value` is three. A 1.6 MB CustomResourceDefinition holds about 43,000; a file over the cap is
 * refused before it is composed, so a crafted file costs little time and memory.
 */
export const MAX_YAML_NODES = 100_000;

/** Lexemes handled between two steps, when a file is parsed in steps (a few ms of work; one lexeme can be a long scalar). */
const LEXEMES_PER_STEP = 1_000;

/** Lexeme types that each make one node, or one entry of a collection. */
const NODE_LEXEMES: ReadonlySet<string> = new Set(['scalar', 'single-quoted-scalar', 'double-quoted-scalar', 'alias', 'flow-map-start', 'flow-seq-start', 'seq-item-ind', 'explicit-key-ind', 'map-value-ind', 'doc-start']);

/** A parsed YAML file: its documents, a way to locate nodes, and the problems found. */
export interface YamlFile {
  file: string;
  documents: Document.Parsed[];
  lineCounter: LineCounter;
  problems: Problem[];
}

/** A file's text, or the file already parsed (services parse in slices ahead of time, then read synchronously). */
export type YamlSource = string | YamlFile;

/**
 * Parses every document of a file; syntax errors, duplicate keys, tags without a JSON form (`!!binary`, `!!set`,
 * `!!timestamp`, custom ones) and too many nodes are reported, never thrown.
 */
export function parseYamlFile(file: string, text: string): YamlFile {
  return runSteps(parseYamlFileSteps(file, text));
}

/** parseYamlFile in steps: yields every few milliseconds of lexing and parsing, so a caller can pause in between. */
export function* parseYamlFileSteps(file: string, text: string): Steps<YamlFile> {
  const lineCounter = new LineCounter();
  const tokens = yield* syntaxTree(text, lineCounter);
  // Composing is one step that cannot be split: bounded by the node cap and the file size.
  yield;
  return composeFile(file, text, lineCounter, tokens);
}

/** The parsed file for a source, parsing text now. */
export function yamlFileOf(file: string, source: YamlSource): YamlFile {
  return typeof source === 'string' ? parseYamlFile(file, source) : source;
}

/** True when a text holds more than MAX_YAML_NODES nodes; lexes no further than the cap, composes nothing. */
export function overNodeCap(text: string): boolean {
  const count = nodeCounter();
  for (const lexeme of new Lexer().lex(text)) if (count(lexeme)) return true;
  return false;
}

/** Counts node lexemes one at a time; true once the count passes MAX_YAML_NODES. */
function nodeCounter(): (lexeme: string) => boolean {
  let nodes = 0;
  let scalarSource = false;
  return (lexeme) => {
    // The lexeme after a scalar marker is the scalar's text, which may look like anything.
    if (scalarSource) {
      scalarSource = false;
      return false;
    }
    const type = CST.tokenType(lexeme);
    scalarSource = type === 'scalar';
    return type !== null && NODE_LEXEMES.has(type) && ++nodes > MAX_YAML_NODES;
  };
}

/**
 * Lexes and parses text into the library's syntax tree; undefined when the text is over the node cap. A first pass
 * only lexes and counts (the parser costs about five times as much), so a crafted file is dropped cheaply, after
 * MAX_YAML_NODES nodes. Yields every LEXEMES_PER_STEP lexemes for a caller to pause.
 */
function* syntaxTree(text: string, lineCounter: LineCounter): Steps<CST.Token[] | undefined> {
  const count = nodeCounter();
  let lexemes = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (count(lexeme)) return undefined;
    if (++lexemes % LEXEMES_PER_STEP === 0) yield;
  }
  yield;
  const parser = new Parser(lineCounter.addNewLine);
  const tokens: CST.Token[] = [];
  // Parser.parse does this before the first lexeme; driving the parser lexeme by lexeme, we do.
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (++lexemes % LEXEMES_PER_STEP === 0) yield;
  }
  for (const token of parser.end()) tokens.push(token);
  return tokens;
}

/** Composes the documents of a syntax tree and collects their problems, or reports the file as over the node cap. */
function composeFile(file: string, text: string, lineCounter: LineCounter, tokens: CST.Token[] | undefined): YamlFile {
  if (tokens === undefined) {
    const message = `file holds more than ${MAX_YAML_NODES.toLocaleString('en-US')} YAML nodes (keys, values, list items), the bound per file; split it into smaller files`;
    return { file, documents: [], lineCounter, problems: [{ file, severity: 'error', code: 'too-many-nodes', message }] };
  }
  // Duplicate keys are checked below in one linear walk; the library's own check is quadratic in a map's size.
  // JSON-less types stay unresolved, so the library warns at their tag (read below) and builds no Buffer, Set or Date.
  const documents = Array.from(new Composer({ strict: true, uniqueKeys: false, ...JSON_ONLY_TAGS }).compose(tokens));
  const yaml: YamlFile = { file, documents, lineCounter, problems: [] };
  for (const doc of documents) {
    const found: Array<{ offset: number; problem: Problem }> = doc.errors.map((error) => {
      const pos = lineCounter.linePos(error.pos[0]);
      return { offset: error.pos[0], problem: { file, line: pos.line, col: pos.col, severity: 'error', code: 'yaml-syntax', message: firstLine(error.message) } };
    });
    for (const { key, first, value } of findDuplicateKeys(doc.contents)) {
      const at = lineCounter.linePos(first.range?.[0] ?? 0);
      const message = `map keys must be unique: ${describeKey(value)} is already a key on line ${at.line}, column ${at.col}`;
      found.push({ offset: key.range?.[0] ?? 0, problem: problemAt(yaml, key, 'yaml-syntax', message) });
    }
    for (const { offset, message } of refusedTags(doc, text)) found.push({ offset, problem: problemAt(yaml, { range: [offset] }, 'yaml-tag', message) });
    yaml.problems.push(...found.sort((a, b) => a.offset - b.offset).map((f) => f.problem));
  }
  return yaml;
}

/** A key for a message: a string quoted and shortened when long, a number, boolean or null as YAML reads it. */
function describeKey(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 56)}…"` : text;
}

/** Converts a document to plain values, turning an alias bomb into a Problem instead of a hang. */
export function documentValue(yaml: YamlFile, doc: Document.Parsed): { value?: YamlValue; problem?: Problem } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as YamlValue };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problem: problemAt(yaml, doc.contents, 'yaml-alias', `cannot be expanded: ${firstLine(message)}`) };
  }
}

/** Builds an error Problem located at a node (or at the start of the file when it has no position). */
export function problemAt(yaml: Pick<YamlFile, 'file' | 'lineCounter'>, node: Located | null | undefined, code: string, message: string): Problem {
  const offset = node?.range?.[0];
  if (offset === undefined) return { file: yaml.file, severity: 'error', code, message };
  const pos = yaml.lineCounter.linePos(offset);
  return { file: yaml.file, line: pos.line, col: pos.col, severity: 'error', code, message };
}

/** Where something sits in a file: a syntax node, or just its start offset kept after the syntax tree was dropped. */
export interface Located {
  readonly range?: readonly number[] | null | undefined;
}

/** A node's start offset without the node, so a kept position does not keep the whole syntax tree alive. */
export function locationOf(node: Located | null | undefined): Located {
  const start = node?.range?.[0];
  return start === undefined ? {} : { range: [start] };
}

/** Finds the node of a map key (the key itself, for good positions) in a document's top-level map. */
export function keyNode(doc: Document.Parsed, key: string): Node | undefined {
  const contents = doc.contents;
  if (!isMap(contents)) return undefined;
  for (const item of contents.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === key) return item.key;
  }
  return undefined;
}

/** Finds the value node at a key path of map keys and sequence indexes, for error positions. */
export function nodeAt(doc: Document.Parsed, path: Array<string | number>): Node | undefined {
  let node: unknown = doc.contents;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === step);
      node = pair?.value ?? pair?.key;
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
    } else {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}

/** The first line of a library message; the rest is usually a code excerpt we print ourselves. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** True for a plain map (not null, not a list). */
export function isPlainMap(value: unknown): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A file that holds at most one document: its parsed value (null when empty) and the document for positions. */
export type SingleDocument = { yaml: YamlFile; doc: Document.Parsed; value: YamlValue } | { yaml: YamlFile; doc: undefined; value: null };

/** Parses a single-document file; syntax errors and alias bombs come back as problems. */
export function readSingleDocument(file: string, source: YamlSource): SingleDocument | { problems: Problem[] } {
  const yaml = yamlFileOf(file, source);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const doc = yaml.documents[0];
  if (doc === undefined) return { yaml, doc: undefined, value: null };
  const { value, problem } = documentValue(yaml, doc);
  if (problem) return { problems: [problem] };
  return value === undefined || value === null ? { yaml, doc: undefined, value: null } : { yaml, doc, value };
}
