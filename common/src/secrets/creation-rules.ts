// `.sops.yaml` creation rules: which age recipients and which encryption rule a new file at a given path gets.
import { compileGoRegex, RULE_FIELDS } from './encryption-rule.ts';
import type { EncryptionRule } from './encryption-rule.ts';
import { SecretsError } from './errors.ts';
import { isTreeMap, parseYamlDocuments } from './yaml-tree.ts';
import type { Tree, TreeMap } from './yaml-tree.ts';

/** One entry of `creation_rules`, reduced to what Cascade uses; fits EncryptSopsOptions as it is. */
export interface CreationRule {
  /** Go regex matched (unanchored) against the path relative to `.sops.yaml`; absent matches every path. */
  pathRegex?: string | undefined;
  /** age recipients, from `age:` (a comma-separated string or a list) or a single `key_groups` entry. */
  recipients: string[];
  /** undefined means sops's default rule. */
  rule?: EncryptionRule | undefined;
  macOnlyEncrypted: boolean;
}

/** Parses `.sops.yaml` (`file` names it in errors); a file without creation_rules has none. */
export function parseCreationRules(text: string, file: string): CreationRule[] {
  const [document] = parseYamlDocuments(text, file);
  const rules = document?.get('creation_rules');
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) throw bad(file, 'creation_rules is not a list');
  return rules.map((entry, index) => parseRule(entry, `creation_rules[${index}]`, file));
}

/** The first rule whose path_regex matches `path` (as sops picks it); throws no-creation-rule when none does or it has no age recipient. */
export function creationRuleFor(rules: readonly CreationRule[], path: string, file: string): CreationRule {
  const index = rules.findIndex((rule) => rule.pathRegex === undefined || compileGoRegex(rule.pathRegex, file, 'path_regex').test(path));
  const rule = rules[index];
  if (!rule) throw new SecretsError('no-creation-rule', { file, detail: `for ${path}` });
  if (rule.recipients.length === 0) throw new SecretsError('no-creation-rule', { file, detail: `creation_rules[${index}] matches ${path} but names no age recipient` });
  return rule;
}

function parseRule(entry: Tree, where: string, file: string): CreationRule {
  if (!isTreeMap(entry)) throw bad(file, `${where} is not a mapping`);
  const pathRegex = optionalText(entry, 'path_regex', where, file);
  if (pathRegex !== undefined) compileGoRegex(pathRegex, file, `${where}.path_regex`);
  const fields = RULE_FIELDS.filter((field) => optionalText(entry, field, where, file));
  if (fields.length > 1) throw bad(file, `${where} sets more than one of ${fields.join(', ')}`);
  const rule = fields[0] ? { field: fields[0], value: optionalText(entry, fields[0], where, file)! } : undefined;
  if (rule && rule.field.endsWith('regex')) compileGoRegex(rule.value, file, `${where}.${rule.field}`);
  const macOnly = entry.get('mac_only_encrypted');
  return { pathRegex, recipients: recipientsOf(entry, where, file), rule, macOnlyEncrypted: macOnly === true };
}

/** `age:` of the rule, or of its only key group; several key groups (Shamir) are refused. */
function recipientsOf(entry: TreeMap, where: string, file: string): string[] {
  const groups = entry.get('key_groups');
  if (groups !== undefined && groups !== null) {
    if (!Array.isArray(groups) || groups.length !== 1 || !isTreeMap(groups[0]!)) {
      throw new SecretsError('unsupported', { file, detail: `${where}.key_groups must hold exactly one group` });
    }
    return keyList(groups[0].get('age') ?? null, `${where}.key_groups[0].age`, file);
  }
  return keyList(entry.get('age') ?? null, `${where}.age`, file);
}

/** sops's key field: a comma-separated string (blanks trimmed, empties dropped) or a list of strings. */
function keyList(value: Tree, where: string, file: string): string[] {
  if (value === null) return [];
  if (typeof value === 'string') return value.split(',').map((key) => key.trim()).filter((key) => key !== '');
  if (Array.isArray(value) && value.every((key): key is string => typeof key === 'string')) return value.map((key) => key.trim());
  throw bad(file, `${where} is neither a string nor a list of strings`);
}

function optionalText(entry: TreeMap, field: string, where: string, file: string): string | undefined {
  const value = entry.get(field);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw bad(file, `${where}.${field} is not a string`);
  return value;
}

function bad(file: string, detail: string): SecretsError {
  return new SecretsError('bad-creation-rules', { file, detail });
}
