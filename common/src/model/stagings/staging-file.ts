// `stagings/<name>.yaml`: one staging, written by Cascade for the API, CLI and UI, and sometimes by hand.
import { checkResourceName, printable } from '../names.ts';
import type { Problem } from '../problem.ts';
import { isSopsDocument, maskEncrypted, SOPS_KEY } from '../secret-values.ts';
import { refusedCharacter } from '../text-rules.ts';
import type { Staging, StagingIntent, YamlValue } from '../types.ts';
import { documentValue, isPlainMap, keyNode, nodeAt, problemAt, yamlFileOf, type YamlSource } from '../yaml-file.ts';
import { checkStagingName } from './names.ts';

const STAGING_KEYS = ['kind', 'tag', 'versions', 'overrides', 'secrets', 'state', 'archivedAt', 'updatedAt', 'branch', SOPS_KEY] as const;
const INTENTS: readonly StagingIntent[] = ['active', 'archived', 'cleanup'];

/** Longest tag: it becomes `--tag` of scripts and an image tag (128 characters, as OCI allows). */
export const MAX_TAG_LENGTH = 128;

/** Longest application config key and value: they become environment variables and ConfigMap data. */
const MAX_APP_KEY_LENGTH = 253;
const MAX_APP_VALUE_LENGTH = 64 * 1024;

/** An environment variable name as a ConfigMap's `envFrom` accepts it. */
export const APP_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses a staging file. A file with problems still yields a staging (name, file and blob, with whatever could be
 * read) carrying them, so nothing is created, archived or removed for it until someone fixes it.
 */
export function parseStagingFile(file: string, name: string, blob: string, source: YamlSource): { staging: Staging; problems: Problem[] } {
  const held = (problems: Problem[]): { staging: Staging; problems: Problem[] } => {
    const located = problems.map((p) => ({ ...p, staging: name }));
    return { staging: { ...emptyStaging(file, name, blob), problems: located }, problems: located };
  };
  const nameProblem = checkStagingName(name);
  if (nameProblem) return held([{ file, severity: 'error', code: 'staging-bad-name', message: `${nameProblem}; rename the file` }]);
  const yaml = yamlFileOf(file, source);
  if (yaml.problems.length > 0) return held(yaml.problems);
  const [doc, ...rest] = yaml.documents;
  if (doc === undefined) return held([{ file, severity: 'error', code: 'staging-not-map', message: 'staging file is empty; it must be a map with "kind" and "tag"' }]);
  if (rest.length > 0) return held([problemAt(yaml, rest[0]?.contents, 'staging-multi-doc', 'a staging file must hold exactly one YAML document')]);
  const { value: raw, problem } = documentValue(yaml, doc);
  if (problem) return held([problem]);
  if (isPlainMap(raw) && raw[SOPS_KEY] !== undefined && !isSopsDocument(raw)) {
    return held([problemAt(yaml, keyNode(doc, SOPS_KEY), 'bad-sops-metadata', '"sops" is reserved for SOPS metadata (a map written by sops)')]);
  }
  const encrypted = raw !== undefined && isSopsDocument(raw) ? maskEncrypted(raw) : undefined;
  const value = encrypted?.value ?? raw;
  if (!isPlainMap(value)) return held([problemAt(yaml, doc.contents, 'staging-not-map', 'a staging file must be a map with "kind" and "tag"')]);
  const problems: Problem[] = [];
  const at = (path: Array<string | number>, message: string) => problems.push({ ...problemAt(yaml, nodeAt(doc, path), 'staging-bad-field', message), staging: name });
  for (const key of Object.keys(value)) if (!(STAGING_KEYS as readonly string[]).includes(key)) at([key], `unknown key "${printable(key)}"; expected one of ${STAGING_KEYS.filter((k) => k !== SOPS_KEY).join(', ')}`);
  const outsideSecrets = (encrypted?.paths ?? []).filter((path) => !path.startsWith('secrets.') && path !== 'secrets');
  if (outsideSecrets.length > 0) at([outsideSecrets[0]!.split('.')[0]!], `only "secrets" may be encrypted, not ${outsideSecrets[0]}; encrypt with encrypted_regex: ^secrets$`);
  const kind = stringField(value, 'kind', at, { required: true });
  const tag = stringField(value, 'tag', at, { required: true, max: MAX_TAG_LENGTH });
  const state = stringField(value, 'state', at, {}) ?? 'active';
  if (!(INTENTS as readonly string[]).includes(state)) at(['state'], `"state" must be one of ${INTENTS.join(', ')}`);
  const archivedAt = timeField(value, 'archivedAt', at);
  const updatedAt = timeField(value, 'updatedAt', at);
  const branch = stringField(value, 'branch', at, { max: 255 });
  const versions = versionsField(value['versions'], at);
  const overrides = value['overrides'];
  if (overrides !== undefined && overrides !== null && !isPlainMap(overrides)) at(['overrides'], '"overrides" must be a map with "app" and "deployment"');
  const overrideMap = isPlainMap(overrides) ? overrides : {};
  for (const key of Object.keys(overrideMap)) if (key !== 'app' && key !== 'deployment') at(['overrides', key], `unknown key "overrides.${printable(key)}"; expected app or deployment`);
  const app = appField(overrideMap['app'], ['overrides', 'app'], at);
  const deployment = mapField(overrideMap['deployment'], ['overrides', 'deployment'], at) ?? {};
  const secretKeys = secretKeysField(value['secrets'], encrypted !== undefined, at);
  if (problems.length > 0) return held(problems);
  const staging: Staging = {
    ...emptyStaging(file, name, blob),
    kind: kind!,
    tag: tag!,
    versions,
    app,
    deployment,
    secretKeys,
    state: state as StagingIntent,
    ...(encrypted ? { encrypted: { paths: encrypted.paths } } : {}),
    ...(archivedAt === undefined ? {} : { archivedAt }),
    ...(updatedAt === undefined ? {} : { updatedAt }),
    ...(branch === undefined ? {} : { branch }),
  };
  return { staging, problems: [] };
}

/** A staging with nothing read yet. */
function emptyStaging(file: string, name: string, blob: string): Staging {
  return { name, file, blob, kind: '', tag: '', versions: {}, app: {}, deployment: {}, secretKeys: [], state: 'active' };
}

// eslint-disable-next-line no-control-regex -- control characters are what these sets are for
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- a multi-line value (a certificate) keeps its newlines and tabs
const CONTROL_BUT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f]/;

type At = (path: Array<string | number>, message: string) => void;

/** A string field, checked for length and characters that read differently across YAML readers. */
function stringField(value: { [key: string]: YamlValue }, key: string, at: At, rules: { required?: boolean; max?: number }): string | undefined {
  const field = value[key];
  if (field === undefined || field === null) {
    if (rules.required) at([], `"${key}" is required`);
    return undefined;
  }
  if (typeof field !== 'string' || field.trim() === '') {
    at([key], `"${key}" must be a non-empty string${typeof field === 'number' ? ` (quote it: ${key}: "${field}")` : ''}`);
    return undefined;
  }
  if (rules.max !== undefined && field.length > rules.max) at([key], `"${key}" is longer than ${rules.max} characters`);
  const refused = refusedCharacter(field) ?? (CONTROL.test(field) ? 'a control character' : undefined);
  if (refused) at([key], `"${key}" holds ${refused}`);
  return field;
}

/** An ISO 8601 time field. */
function timeField(value: { [key: string]: YamlValue }, key: string, at: At): string | undefined {
  const field = value[key];
  if (field === undefined || field === null) return undefined;
  if (typeof field !== 'string' || Number.isNaN(Date.parse(field))) {
    at([key], `"${key}" must be a time such as 2026-12-01T10:00:00Z`);
    return undefined;
  }
  return new Date(field).toISOString();
}

/** `versions`: resource name → map of fields. */
function versionsField(field: YamlValue | undefined, at: At): Record<string, { [key: string]: YamlValue }> {
  const versions: Record<string, { [key: string]: YamlValue }> = Object.create(null) as Record<string, { [key: string]: YamlValue }>;
  if (field === undefined || field === null) return versions;
  if (!isPlainMap(field)) {
    at(['versions'], '"versions" must be a map of resource name to fields, e.g. shop/cart: { image: … }');
    return versions;
  }
  for (const [resource, fields] of Object.entries(field)) {
    const why = checkResourceName(resource);
    if (why) at(['versions', resource], `versions: resource name "${printable(resource)}" ${why}`);
    const map = mapField(fields, ['versions', resource], at);
    if (map !== undefined && why === undefined) versions[resource] = map;
  }
  return versions;
}

/** A map of fields, with no text a YAML reader could read otherwise. */
function mapField(field: YamlValue | undefined, path: string[], at: At): { [key: string]: YamlValue } | undefined {
  if (field === undefined || field === null) return undefined;
  if (!isPlainMap(field)) {
    at(path, `"${path.join('.')}" must be a map`);
    return undefined;
  }
  const bad = refusedIn(field);
  if (bad) at(path, `"${path.join('.')}" holds ${bad}`);
  return field;
}

/** The application config: names an environment variable can have, scalar values, as strings. */
function appField(field: YamlValue | undefined, path: string[], at: At): Record<string, string> {
  const app: Record<string, string> = {};
  const map = mapField(field, path, at);
  for (const [key, value] of Object.entries(map ?? {})) {
    if (!APP_KEY.test(key) || key.length > MAX_APP_KEY_LENGTH) at([...path, key], `"${printable(key)}" must be a variable name: letters, digits, "_", "-", "." and not starting with a digit`);
    if (value !== null && typeof value === 'object') at([...path, key], `"${path.join('.')}.${printable(key)}" must be a string, number or true/false`);
    else {
      const text = value === null ? '' : String(value);
      if (text.length > MAX_APP_VALUE_LENGTH) at([...path, key], `"${path.join('.')}.${printable(key)}" is longer than ${MAX_APP_VALUE_LENGTH} characters`);
      else if (CONTROL_BUT_TAB_AND_NEWLINE.test(text)) at([...path, key], `"${path.join('.')}.${printable(key)}" holds a control character`);
      app[key] = text;
    }
  }
  return app;
}

/** The names of `secrets.app`; every value must be encrypted, since the repo must never hold a secret in the clear. */
function secretKeysField(field: YamlValue | undefined, encrypted: boolean, at: At): string[] {
  if (field === undefined || field === null) return [];
  const app = isPlainMap(field) ? field['app'] : undefined;
  if (!isPlainMap(field) || Object.keys(field).some((k) => k !== 'app') || (app !== undefined && !isPlainMap(app))) {
    at(['secrets'], '"secrets" must be a map "app:" of variable name to encrypted value');
    return [];
  }
  if (!encrypted) {
    at(['secrets'], '"secrets" is not encrypted; encrypt the file (cascade secrets encrypt, or sops -e with encrypted_regex: ^secrets$) before committing it');
    return [];
  }
  const keys = Object.keys(app ?? {});
  for (const key of keys) if (!APP_KEY.test(key)) at(['secrets', 'app', key], `"${printable(key)}" must be a variable name`);
  return keys;
}

/** The first refused character anywhere in a value's keys or strings. */
function refusedIn(value: YamlValue): string | undefined {
  if (typeof value === 'string') return refusedCharacter(value);
  if (Array.isArray(value)) return value.map(refusedIn).find((r) => r !== undefined);
  if (isPlainMap(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const found = refusedCharacter(key) ?? refusedIn(inner);
      if (found) return found;
    }
  }
  return undefined;
}
