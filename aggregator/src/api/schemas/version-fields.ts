// Extra version-file keys of a push: names usable as `${key}` placeholders, values plain JSON that is written as YAML
// values (never as YAML text), every string following the text rules.
import type { YamlValue } from '@cascade/common';
import { refusedCharacter } from '@cascade/common';
import { z } from '@hono/zod-openapi';
import { typeName } from './fields.ts';

/** Deepest nesting of a field value. */
const MAX_FIELD_DEPTH = 8;
/** Longest string anywhere in a field value. */
const MAX_VALUE_LENGTH = 16 * 1024;

/** A field key: usable as a `${key}` placeholder. */
export const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/** Where in the fields a value is wrong (`["config", "url"]`, `["list", 1]`) and what it must be. */
export interface FieldProblem {
  path: Array<string | number>;
  message: string;
}

/** `fields`: an object of key → plain JSON value, checked all the way down. */
export function versionFields() {
  return z
    .record(z.string(), z.unknown(), { error: 'must be an object of key → value' })
    .superRefine((fields, ctx) => {
      const problem = checkFields(fields);
      if (problem) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    })
    .transform((fields) => fields as Record<string, YamlValue>) // checkFields proved every value is plain JSON.
    .openapi({
      description: 'Further keys of the version file (`image`, `replicas`, a `config` map, …); values stay values, never YAML text. Keys start with a letter or `_` and hold letters, digits, `_`, `.`, `-`; `version`, `secrets` and `sops` are not fields',
    });
}

/** The first problem in the fields, top-level keys before what they hold. */
function checkFields(fields: Record<string, unknown>): FieldProblem | undefined {
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'version') return { path: [key], message: 'set the version with the top-level "version" field' };
    // Encrypted values and their metadata are written only through `secrets`, never as plain fields.
    if (key === 'secrets') return { path: [key], message: 'send secret values in the top-level "secrets" object, which encrypts them' };
    if (key === 'sops') return { path: [key], message: 'is reserved for the SOPS metadata of encrypted files' };
    if (!FIELD_KEY.test(key)) return { path: [key], message: 'keys must start with a letter or "_" and hold only letters, digits, "_", "." and "-"' };
    const problem = checkValue(value, [key], 1);
    if (problem) return problem;
  }
  return undefined;
}

/** The first problem in one value; nesting is bounded so a deep body cannot exhaust the stack. */
export function checkValue(value: unknown, path: Array<string | number>, depth: number): FieldProblem | undefined {
  if (depth > MAX_FIELD_DEPTH) return { path, message: `is nested deeper than ${MAX_FIELD_DEPTH} levels` };
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, message: 'must be a finite number' };
  if (typeof value === 'string') {
    if (value.length > MAX_VALUE_LENGTH) return { path, message: `must be at most ${MAX_VALUE_LENGTH} characters` };
    return refused(value, path);
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const problem = checkValue(item, [...path, index], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // Keys are written to the file too, so they follow the same character rules as values.
      const problem = refused(key, [...path, key]) ?? checkValue(item, [...path, key], depth + 1);
      if (problem) return problem;
    }
    return undefined;
  }
  return { path, message: `has an unsupported type ${typeName(value)}` };
}

function refused(text: string, path: Array<string | number>): FieldProblem | undefined {
  const character = refusedCharacter(text);
  return character ? { path, message: `must not contain ${character}` } : undefined;
}
