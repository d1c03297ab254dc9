// Checking request bodies at the edge: every refusal is a 400 naming the field and what it must be.
import type { YamlValue } from '@cascade/common';
import { checkEnvName, checkResourceName, refusedCharacter } from '@cascade/common';
import type { AuthorInput } from '@cascade/common/api';
import { HttpError } from '@cascade/common/service';

/** A JSON object body, field by field. */
export type Body = Record<string, unknown>;

/** Longest version string: fits a label value with room to spare. */
export const MAX_VERSION_LENGTH = 128;
/** Longest lock reason. */
export const MAX_REASON_LENGTH = 500;
/** Longest changelog (it becomes the commit body). */
const MAX_CHANGELOG_LENGTH = 64 * 1024;
/** Deepest nesting of a field value. */
const MAX_FIELD_DEPTH = 8;

const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** Tells whether text holds control characters; tab and newline count only when `multiLine` is false. */
function hasControl(text: string, multiLine: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (multiLine && (code === 9 || code === 10)) continue;
    if (code < 32 || code === 127) return true;
  }
  return false;
}

/** Refuses what YAML 1.1 readers take as a line break (LS, PS, NEL) and what reorders or hides text (bidi controls, C1). */
function checkCharacters(field: string, text: string): void {
  const refused = refusedCharacter(text);
  if (refused) throw invalid(field, `must not contain ${refused}`);
}

/** 400 `invalid-request` naming the field. */
export function invalid(field: string, message: string): HttpError {
  return new HttpError(400, 'invalid-request', `${field}: ${message}`, { field });
}

/** The body as an object, refusing arrays and scalars, and refusing keys the endpoint does not know. */
export function objectBody(value: unknown, known: string[]): Body {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('body', 'must be a JSON object');
  const body = value as Body;
  for (const key of Object.keys(body)) if (!known.includes(key)) throw invalid(key, `unknown field; expected ${known.join(', ')}`);
  return body;
}

/** A required or optional one-line string, bounded in length. */
export function oneLine(body: Body, field: string, options: { required: true; max: number }): string;
export function oneLine(body: Body, field: string, options: { required?: false; max: number }): string | undefined;
export function oneLine(body: Body, field: string, options: { required?: boolean; max: number }): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (options.required) throw invalid(field, 'is required');
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(field, `must be a string, not ${typeName(value)}`);
  if (value.trim() === '') throw invalid(field, 'must not be empty');
  if (value.length > options.max) throw invalid(field, `must be at most ${options.max} characters`);
  if (hasControl(value, false)) throw invalid(field, 'must be one line without control characters');
  checkCharacters(field, value);
  return value;
}

/** A resource name: path segments of lower-case letters, digits, `.`, `_`, `-`; never `..` or absolute. */
export function resourceName(body: Body, field = 'resource', required = true): string | undefined {
  const value = required ? oneLine(body, field, { required: true, max: 300 }) : oneLine(body, field, { max: 300 });
  if (value === undefined) return undefined;
  const problem = checkResourceName(value);
  if (problem) throw invalid(field, `resource name ${problem}`);
  return value;
}

/** An environment name. */
export function envName(body: Body, field = 'env', required = true): string | undefined {
  const value = required ? oneLine(body, field, { required: true, max: 100 }) : oneLine(body, field, { max: 100 });
  if (value === undefined) return undefined;
  const problem = checkEnvName(value);
  if (problem) throw invalid(field, problem);
  return value;
}

/** A changelog: multi-line text without control characters. */
export function changelog(body: Body, field = 'changelog'): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, `must be a string, not ${typeName(value)}`);
  // Line endings from Windows runners are normalised rather than refused.
  const text = value.replace(/\r\n?/g, '\n');
  if (text.length > MAX_CHANGELOG_LENGTH) throw invalid(field, `must be at most ${MAX_CHANGELOG_LENGTH} characters`);
  // Control characters never belong in a changelog; they could also confuse whoever parses the log.
  if (hasControl(text, true)) throw invalid(field, 'must not contain control characters other than tab and newline');
  checkCharacters(field, text);
  return text;
}

/** Extra version-file keys: names usable as `${key}` placeholders, values plain JSON (they are written as YAML values, never as text). */
export function versionFields(body: Body, field = 'fields'): Record<string, YamlValue> {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalid(field, 'must be an object of key → value');
  for (const [key, item] of Object.entries(value)) {
    if (key === 'version') throw invalid(`${field}.version`, 'set the version with the top-level "version" field');
    if (!FIELD_KEY.test(key)) throw invalid(`${field}.${key}`, 'keys must start with a letter or "_" and hold only letters, digits, "_", "." and "-"');
    checkValue(item, `${field}.${key}`, 1);
  }
  return value as Record<string, YamlValue>;
}

/** An optional commit author `{ name, email }` without characters git would mangle. */
export function author(body: Body, field = 'author'): AuthorInput | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw invalid(field, 'must be { "name": …, "email": … }');
  const inner = objectBody(value, ['name', 'email']);
  // Keyed by the full path so a refusal names `author.name`, not a bare `name`.
  const name = oneLine({ [`${field}.name`]: inner['name'] }, `${field}.name`, { required: true, max: 200 });
  const email = oneLine({ [`${field}.email`]: inner['email'] }, `${field}.email`, { required: true, max: 200 });
  for (const [part, text] of [['name', name], ['email', email]] as const) {
    if (/[<>]/.test(text)) throw invalid(`${field}.${part}`, 'must not contain < or >');
  }
  return { name, email };
}

function checkValue(value: unknown, path: string, depth: number): void {
  if (depth > MAX_FIELD_DEPTH) throw invalid(path, `is nested deeper than ${MAX_FIELD_DEPTH} levels`);
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(path, 'must be a finite number');
    return;
  }
  if (typeof value === 'string') {
    if (value.length > 16 * 1024) throw invalid(path, 'must be at most 16384 characters');
    checkCharacters(path, value);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkValue(item, `${path}[${index}]`, depth + 1));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      // Keys are written to the file too, so they follow the same character rules as values.
      checkCharacters(`${path}.${key}`, key);
      checkValue(item, `${path}.${key}`, depth + 1);
    }
    return;
  }
  throw invalid(path, `has an unsupported type ${typeName(value)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}
