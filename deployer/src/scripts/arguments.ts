// Builds the argv of a control-script call from the target settings and a resource's version file. No I/O.
//
// Mapping (see docs/control-scripts.md):
//   --project-name  target `projectName`      --base-domain  target `baseDomain`
//   --namespace     binding `namespace`, else the resource name with `/` replaced by `-`
//   --name          the resource name          --tag          the version file's `version`
//   --application-config KEY=VALUE  one per entry of the version file's `config` map
//   --deployment-config  KEY=VALUE  one per entry of its `deploymentConfig` map
// Values that are not strings are JSON-encoded (`replicas=2`, `flags=["a","b"]`, `debug=true`).
import type { ResourceError, VersionData, YamlValue } from '@cascade/common';

/** What a script target's config says about the project the scripts deploy. */
export interface ScriptProject {
  projectName: string;
  baseDomain: string;
}

/** Where and what a call concerns: the resource, its environment binding and its version file. */
export interface ScriptSubject {
  name: string;
  /** Namespace from deployers.yaml, if the binding names one. */
  namespace?: string;
  version: VersionData;
  versionFile: string;
}

/** The argv for every script of one resource, or the error that keeps it from being built. */
export type ScriptArguments = { ok: true; args: string[] } | { ok: false; error: ResourceError };

const CONFIG_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A tag starting with `-` would read as an option to the script; control characters have no place in a tag. */
function isUnsafeTag(tag: string): boolean {
  return tag === '' || tag.startsWith('-') || [...tag].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
}

/** The common arguments every control script receives, in contract order. */
export function scriptArguments(project: ScriptProject, subject: ScriptSubject): ScriptArguments {
  const fail = (field: string, message: string): ScriptArguments => ({ ok: false, error: { code: 'invalid-script-argument', file: subject.versionFile, message: `${field}: ${message}` } });
  const tag = subject.version.version;
  if (isUnsafeTag(tag)) return fail('version', `"${tag}" cannot be passed as --tag: it is empty, starts with "-" or holds control characters`);
  const args = [
    '--project-name', project.projectName,
    '--base-domain', project.baseDomain,
    '--namespace', subject.namespace ?? subject.name.replaceAll('/', '-'),
    '--name', subject.name,
    '--tag', tag,
  ];
  for (const [field, option] of [['config', '--application-config'], ['deploymentConfig', '--deployment-config']] as const) {
    const map = subject.version.fields[field];
    if (map === undefined || map === null) continue;
    if (typeof map !== 'object' || Array.isArray(map)) return fail(field, 'must be a map of KEY: value');
    for (const [key, value] of Object.entries(map)) {
      if (!CONFIG_KEY.test(key)) return fail(`${field}.${key}`, 'keys must match [A-Za-z_][A-Za-z0-9_.-]*');
      const encoded = encodeConfigValue(value);
      // argv strings end at a NUL byte, so the script would receive another value than the file holds.
      if (encoded.includes('\0')) return fail(`${field}.${key}`, 'values cannot hold NUL bytes');
      args.push(option, `${key}=${encoded}`);
    }
  }
  return { ok: true, args };
}

/** Strings go as they are; everything else as JSON, so a script can tell `2` from `"2"` only if it wants to. */
function encodeConfigValue(value: YamlValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
