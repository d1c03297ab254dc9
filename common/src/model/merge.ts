// The merge: version data substituted into a base template, on parsed values, never on raw text.
import { isScalar, visit, type Document, Scalar } from 'yaml';
import type { Problem } from './problem.ts';
import type { VersionData, YamlValue } from './types.ts';
import { isPlainMap, problemAt, type YamlFile } from './yaml-file.ts';
import { withValueAtPath, type PlaceholderSlot } from './template.ts';

const PLACEHOLDER = /\$(\$|version(?![A-Za-z0-9_])|\{([^}]*)\})/g;
const WHOLE = /^\$(?:version|\{([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\})$/;
const KEY = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * Replaces `$version`, `${key}` (dotted keys reach into maps) and `$$` in every string value of a
 * document, in place. A plain scalar that is exactly one placeholder takes the value's type; a quoted
 * one stays a string. Map keys are left alone.
 */
export function substitutePlaceholders(yaml: YamlFile, doc: Document, data: VersionData): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return undefined;
      const text = node.value;
      const whole = WHOLE.exec(text);
      const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
      if (whole && !quoted) {
        const found = lookup(data, whole[1] ?? 'version');
        if (!found.ok) {
          problems.push(problemAt(yaml, node, 'missing-key', found.message));
          return undefined;
        }
        const replacement = doc.createNode(found.value);
        if (isScalar(replacement)) replacement.range = node.range;
        return replacement;
      }
      const result = replaceInText(text, data);
      if (!result.ok) {
        problems.push(problemAt(yaml, node, result.code, result.message));
        return undefined;
      }
      node.value = result.text;
      return undefined;
    },
  });
  return problems;
}

/** Fills placeholder slots into a copy of a prepared value that shares what it does not fill; same rules as substitutePlaceholders. */
export function fillSlots(yaml: Pick<YamlFile, 'file' | 'lineCounter'>, value: YamlValue, slots: PlaceholderSlot[], data: VersionData): { value: YamlValue; problems: Problem[] } {
  const problems: Problem[] = [];
  // Copied only along the slots' paths: the parsed value is kept for the next render, and what is not filled in is
  // shared with it rather than held once per render.
  let result = value;
  for (const slot of slots) {
    const whole = WHOLE.exec(slot.text);
    if (whole && !slot.quoted) {
      const found = lookup(data, whole[1] ?? 'version');
      if (found.ok) result = withValueAtPath(result, slot.path, structuredClone(found.value));
      else problems.push(problemAt(yaml, slot.node, 'missing-key', found.message));
      continue;
    }
    const replaced = replaceInText(slot.text, data);
    if (replaced.ok) result = withValueAtPath(result, slot.path, replaced.text);
    else problems.push(problemAt(yaml, slot.node, replaced.code, replaced.message));
  }
  return { value: result, problems };
}

type TextResult = { ok: true; text: string } | { ok: false; code: string; message: string };

/** Substitutes placeholders inside a longer string; only scalar values can be embedded. */
function replaceInText(text: string, data: VersionData): TextResult {
  let failure: TextResult | undefined;
  const replaced = text.replace(PLACEHOLDER, (match, token: string, key: string | undefined) => {
    if (token === '$') return '$';
    if (key !== undefined && !KEY.test(key)) {
      failure ??= { ok: false, code: 'bad-placeholder', message: `placeholder "${match}" is not a key name; write $$ for a literal $` };
      return match;
    }
    const found = lookup(data, key ?? 'version');
    if (!found.ok) {
      failure ??= { ok: false, code: 'missing-key', message: found.message };
      return match;
    }
    if (typeof found.value === 'object' && found.value !== null) {
      failure ??= { ok: false, code: 'not-embeddable', message: `"${match}" is a ${Array.isArray(found.value) ? 'list' : 'map'}; it can only stand alone as a whole value` };
      return match;
    }
    return found.value === null ? '' : String(found.value);
  });
  return failure ?? { ok: true, text: replaced };
}

/** Looks up a dotted key in the version data; only keys the file has count, never inherited ones like `constructor`. */
function lookup(data: VersionData, key: string): { ok: true; value: YamlValue } | { ok: false; message: string } {
  let value: YamlValue | undefined = data.fields;
  for (const part of key.split('.')) {
    value = isPlainMap(value) && Object.hasOwn(value, part) ? value[part] : undefined;
    if (value === undefined) return { ok: false, message: `\${${key}} is not set: the version file has no key "${key}"` };
  }
  return { ok: true, value: value as YamlValue };
}
