// Builds the input of a control-script call from the target settings and a resource's version file or a staging. No I/O.
//
// Mapping (see docs/control-scripts.md):
//   --project-name  target `projectName`      --base-domain  target `baseDomain`
//   --namespace     binding `namespace`, else the resource name with `/` replaced by `-`
//   --name          the resource name          --tag          the version file's `version`
//   config and deploymentConfig: a JSON document the runner writes to a private file (`--config-file PATH`), or with
//   `configArguments: argv` one `--application-config KEY=VALUE` / `--deployment-config KEY=VALUE` per entry.
// Values that are not strings are JSON-encoded (`replicas=2`, `flags=["a","b"]`, `debug=true`).
import type { ResourceError, VersionData, YamlValue } from '@cascade/common';
import { refusedCharacter } from '@cascade/common';

/** What a script target's config says about the project the scripts deploy. */
export interface ScriptProject {
  projectName: string;
  baseDomain: string;
}

/** How config reaches the scripts: a private file (default), or argv for old scripts, where every local user can read it. */
export type ConfigTransport = 'file' | 'argv';

/** Where and what a call concerns: the resource, its environment binding and its version file. */
export interface ScriptSubject {
  name: string;
  /** Namespace from deployers.yaml, if the binding names one. */
  namespace?: string;
  version: VersionData;
  versionFile: string;
}

/** The input of every script call of one resource: argv, and the config document the runner hands over as a file. */
export interface ScriptCall {
  args: string[];
  /** JSON text the runner writes to a private file and names with `--config-file PATH`; absent with `configArguments: argv`. */
  configDocument?: string;
}

/** The input of every script of one resource, or the error that keeps it from being built. */
export type ScriptArguments = { ok: true; call: ScriptCall } | { ok: false; error: ResourceError };

/** The document behind `--config-file`: the common arguments and both config maps, every value as the string argv would carry. */
interface ScriptConfigDocument {
  projectName: string;
  baseDomain: string;
  namespace: string;
  name: string;
  tag: string;
  applicationConfig: Record<string, string>;
  deploymentConfig: Record<string, string>;
}

/** Bytes one argument may hold: well below Linux's MAX_ARG_STRLEN (128 KiB), beyond which `spawn` fails with E2BIG. */
export const MAX_ARGUMENT_BYTES = 64 * 1024;
/** Bytes all arguments of one call may hold together, below the usual 2 MiB ARG_MAX with room for the environment. */
const MAX_ARGUMENTS_BYTES = 1024 * 1024;

const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const CONFIG_OPTIONS = [['applicationConfig', '--application-config'], ['deploymentConfig', '--deployment-config']] as const;

/** Why `tag` cannot travel as `--tag` (nor be shown as a version), or undefined when it can. */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'it is empty';
  const bytes = Buffer.byteLength(tag);
  if (bytes > MAX_ARGUMENT_BYTES) return `it is ${bytes} bytes, over the ${MAX_ARGUMENT_BYTES}-byte bound of one script argument`;
  // eslint-disable-next-line no-control-regex -- control characters are what is looked for
  const control = /[\u0000-\u001f\u007f]/.exec(tag)?.[0];
  if (control !== undefined) return `it holds the control character U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  // C1 controls, bidi controls and line separators reorder or break what people see in the status and in logs.
  const refused = refusedCharacter(tag);
  if (refused !== undefined) return `it holds ${refused}`;
  if (tag.startsWith('-')) return `${JSON.stringify(tag)} starts with "-" and would read as an option`;
  return undefined;
}

/** The input every control script of the resource receives, with config as `transport` says; sizes are checked either way. */
export function scriptArguments(project: ScriptProject, subject: ScriptSubject, transport: ConfigTransport = 'file'): ScriptArguments {
  const fields = subject.version.fields;
  return buildScriptCall(project, {
    name: subject.name,
    namespace: subject.namespace ?? subject.name.replaceAll('/', '-'),
    tag: subject.version.version,
    file: subject.versionFile,
    tagField: 'version',
    applicationConfig: [{ field: 'config', map: fields['config'] }],
    deploymentConfig: [{ field: 'deploymentConfig', map: fields['deploymentConfig'] }],
  }, transport);
}

/** One map of config entries and the field its errors name, e.g. `config` or `overrides.app`. */
export interface ConfigEntries {
  field: string;
  map: YamlValue | undefined;
}

/** What a call is about, whatever it comes from (a version file, a staging file): the contract's arguments and both config maps. */
export interface ScriptInput {
  name: string;
  namespace: string;
  tag: string;
  /** Passed as `--base-domain` instead of the target's, e.g. a staging kind's. */
  baseDomain?: string;
  /** The repo file errors name, and the field holding the tag there. */
  file: string;
  tagField: string;
  /** Entries of later maps win over earlier ones with the same key in the config file. */
  applicationConfig: ConfigEntries[];
  deploymentConfig: ConfigEntries[];
}

/** Builds one call's argv and config document from `input`; the bounds hold whatever `transport` says. */
export function buildScriptCall(project: ScriptProject, input: ScriptInput, transport: ConfigTransport = 'file'): ScriptArguments {
  const fail = (field: string, message: string): ScriptArguments => ({ ok: false, error: { code: 'invalid-script-argument', file: input.file, message: `${field}: ${message}` } });
  const { name, namespace, tag } = input;
  const baseDomain = input.baseDomain ?? project.baseDomain;
  const problem = tagProblem(tag);
  if (problem !== undefined) return fail(input.tagField, `cannot be passed as --tag: ${problem}`);
  const args = ['--project-name', project.projectName, '--base-domain', baseDomain, '--namespace', namespace, '--name', name, '--tag', tag];
  // The bounds hold for the argv form whatever the transport, so switching `configArguments` never changes what is accepted.
  let total = args.reduce((sum, arg) => sum + Buffer.byteLength(arg) + 1, 0);
  const maps = { applicationConfig: [] as [string, string][], deploymentConfig: [] as [string, string][] };
  const configArgs: string[] = [];
  for (const [documentKey, option] of CONFIG_OPTIONS) {
    for (const { field, map } of input[documentKey]) {
      if (map === undefined || map === null) continue;
      if (typeof map !== 'object' || Array.isArray(map)) return fail(field, 'must be a map of KEY: value');
      for (const [key, value] of Object.entries(map)) {
        if (!CONFIG_KEY.test(key)) return fail(`${field}.${key}`, 'keys must match [A-Za-z_][A-Za-z0-9_.-]*');
        const encoded = encodeConfigValue(value);
        // argv strings end at a NUL byte, so the script would receive another value than the file holds.
        if (encoded.includes('\0')) return fail(`${field}.${key}`, 'values cannot hold NUL bytes');
        const entry = `${key}=${encoded}`;
        const bytes = Buffer.byteLength(entry);
        if (bytes > MAX_ARGUMENT_BYTES) return fail(`${field}.${key}`, `KEY=VALUE is ${bytes} bytes, over the ${MAX_ARGUMENT_BYTES}-byte bound of one script argument`);
        total += Buffer.byteLength(option) + 1 + bytes + 1;
        if (total > MAX_ARGUMENTS_BYTES) return fail(`${field}.${key}`, `the script arguments add up to more than the ${MAX_ARGUMENTS_BYTES}-byte bound of one call here`);
        maps[documentKey].push([key, encoded]);
        configArgs.push(option, entry);
      }
    }
  }
  if (transport === 'argv') return { ok: true, call: { args: [...args, ...configArgs] } };
  // fromEntries defines own properties, so a key like `__proto__` stays an ordinary entry of the document.
  const document: ScriptConfigDocument = {
    projectName: project.projectName, baseDomain, namespace, name, tag,
    applicationConfig: Object.fromEntries(maps.applicationConfig), deploymentConfig: Object.fromEntries(maps.deploymentConfig),
  };
  return { ok: true, call: { args, configDocument: `${JSON.stringify(document, null, 2)}\n` } };
}

/** Strings go as they are; everything else as JSON, so a script can tell `2` from `"2"` only if it wants to. */
function encodeConfigValue(value: YamlValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
