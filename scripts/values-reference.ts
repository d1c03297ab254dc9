// The values reference of docs/install.md: a table row per value of the chart's values.schema.json, with its default
// from values.yaml, kept between two markers so the rest of the page is written by hand.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The chart whose values are described. */
export const CHART_DIR = fileURLToPath(new URL('../deploy/helm/cascade/', import.meta.url));
/** The page holding the table. */
export const INSTALL_DOC = fileURLToPath(new URL('../docs/install.md', import.meta.url));
/** Line before the generated table. */
export const TABLE_START = '<!-- values reference: generated from values.schema.json by scripts/gen-values-reference.ts -->';
/** Line after it. */
export const TABLE_END = '<!-- end of values reference -->';

/** The part of JSON Schema the chart's schema uses. */
interface Schema {
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  $ref?: string;
  definitions?: Record<string, Schema>;
}

/** One documented value. */
export interface ValueRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** Every value of the schema, depth first in the schema's order; objects with their own properties are walked, not listed. */
export function valueRows(schema: Schema, values: unknown): ValueRow[] {
  const rows: ValueRow[] = [];
  const walk = (node: Schema, path: string[], value: unknown) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const key = [...path, name];
      const resolved = resolve(schema, child);
      const childValue = isRecord(value) ? value[name] : undefined;
      if (resolved.properties && Object.keys(resolved.properties).length > 0 && name !== 'resources') walk(resolved, key, childValue);
      else rows.push({ key: key.join('.'), type: typeName(schema, child), default: formatDefault(childValue), description: child.description ?? resolved.description ?? '' });
    }
  };
  walk(schema, [], values);
  return rows;
}

/** The Markdown table of `rows`. */
export function valuesTable(rows: ValueRow[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const lines = ['| Value | Type | Default | Meaning |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| \`${row.key}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.description)} |`);
  return lines.join('\n');
}

/** The reference table for the chart as it is on disk. */
export function currentValuesTable(): string {
  const schema = JSON.parse(readFileSync(`${CHART_DIR}values.schema.json`, 'utf8')) as Schema;
  const values = parse(readFileSync(`${CHART_DIR}values.yaml`, 'utf8')) as unknown;
  return valuesTable(valueRows(schema, values));
}

/** `doc` with the text between the markers replaced by `table`; throws when the markers are missing. */
export function spliceTable(doc: string, table: string): string {
  const start = doc.indexOf(TABLE_START);
  const end = doc.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the page lacks the markers ${TABLE_START} … ${TABLE_END}`);
  return `${doc.slice(0, start + TABLE_START.length)}\n\n${table}\n\n${doc.slice(end)}`;
}

/** A property with its `$ref` (directly or as the only `allOf`) followed, its own keywords winning. */
function resolve(root: Schema, node: Schema): Schema {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0]!.$ref : undefined);
  if (ref === undefined) return node;
  const target = root.definitions?.[ref.replace('#/definitions/', '')];
  if (!target) throw new Error(`values.schema.json: ${ref} is not defined`);
  return { ...resolve(root, target), ...node, allOf: undefined, $ref: undefined };
}

/** How the table names the type of a property, given as written (its `$ref` still there). */
function typeName(root: Schema, property: Schema): string {
  const ref = property.$ref ?? (property.allOf?.length === 1 ? property.allOf[0]!.$ref : undefined);
  if (ref === '#/definitions/duration') return 'duration';
  const node = resolve(root, property);
  if (node.enum) return `one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (node.type === 'array') return node.items ? `list of ${typeName(root, node.items)}s` : 'list';
  if (node.type === 'object' && !node.properties) return 'map';
  return Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
}

/** A default as the table shows it: short values in code, long ones by reference. */
function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  if (value === '') return '`""`';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? 'see values.yaml' : `\`${text}\``;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
