// Bounded, position-aware YAML parsing: every syntax problem becomes a Problem with line and column.
import { LineCounter, parseAllDocuments, isMap, isScalar, isSeq, isPair, type Document, type Node } from 'yaml';
import type { Problem } from './problem.ts';
import type { YamlValue } from './types.ts';

/** Aliases allowed per document; an alias bomb expands far beyond this and is refused. */
const MAX_ALIAS_COUNT = 100;

/** A parsed YAML file: its documents, a way to locate nodes, and the problems found. */
export interface YamlFile {
  file: string;
  documents: Document.Parsed[];
  lineCounter: LineCounter;
  problems: Problem[];
}

/** Parses every document of a file; syntax errors and duplicate keys are reported, never thrown. */
export function parseYamlFile(file: string, text: string): YamlFile {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const problems: Problem[] = [];
  const docs = Array.isArray(documents) ? documents : [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      problems.push({ file, line: pos.line, col: pos.col, severity: 'error', code: 'yaml-syntax', message: firstLine(error.message) });
    }
  }
  return { file, documents: docs, lineCounter, problems };
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
export function problemAt(yaml: YamlFile, node: Node | null | undefined, code: string, message: string): Problem {
  const offset = node?.range?.[0];
  if (offset === undefined) return { file: yaml.file, severity: 'error', code, message };
  const pos = yaml.lineCounter.linePos(offset);
  return { file: yaml.file, line: pos.line, col: pos.col, severity: 'error', code, message };
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
export function readSingleDocument(file: string, text: string): SingleDocument | { problems: Problem[] } {
  const yaml = parseYamlFile(file, text);
  if (yaml.problems.length > 0) return { problems: yaml.problems };
  const doc = yaml.documents[0];
  if (doc === undefined) return { yaml, doc: undefined, value: null };
  const { value, problem } = documentValue(yaml, doc);
  if (problem) return { problems: [problem] };
  return value === undefined || value === null ? { yaml, doc: undefined, value: null } : { yaml, doc, value };
}
