// Resource and environment names: the only paths Cascade accepts from a repo or an API request.

// One segment, unanchored, so that the pattern of a whole resource name is built from the same text.
const SEGMENT = '[a-z0-9]([a-z0-9._-]*[a-z0-9])?';

/** One path segment of a resource name, and the whole of an environment name. */
export const NAME_SEGMENT = new RegExp(`^${SEGMENT}$`);

/** A whole resource name (segments joined by `/`) as a pattern string, for schemas such as the OpenAPI document. */
export const RESOURCE_NAME_PATTERN = `^${SEGMENT}(/${SEGMENT})*$`;

/** Longest resource name accepted; Kubernetes label values and file systems both have limits. */
const MAX_NAME_LENGTH = 253;

/** Longest environment name accepted: it becomes part of Kubernetes names and label values. */
const MAX_ENV_NAME_LENGTH = 63;

/** What an environment name must be, in the words of `checkEnvName`; transition names follow the same rule. */
export const ENV_NAME_RULE = `must match ${NAME_SEGMENT.source} and be at most ${MAX_ENV_NAME_LENGTH} characters`;

/** Why a name was refused, or `undefined` when it is valid. */
export function checkResourceName(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  if (name.startsWith('/')) return 'is an absolute path';
  for (const segment of name.split('/')) {
    if (segment === '..' || segment === '.') return `contains "${segment}"`;
    if (!NAME_SEGMENT.test(segment)) {
      return `segment "${printable(segment)}" must match ${NAME_SEGMENT.source} (lower-case letters, digits, ".", "_", "-")`;
    }
  }
  return undefined;
}

/** Why an environment name was refused, or `undefined` when it is valid. */
export function checkEnvName(name: string): string | undefined {
  if (!NAME_SEGMENT.test(name) || name.length > MAX_ENV_NAME_LENGTH) return `environment "${printable(name)}" ${ENV_NAME_RULE}`;
  return undefined;
}

/** Shows control characters and other odd bytes escaped, so an error message never carries them raw. */
export function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** Strips a `.yaml` or `.yml` ending; `undefined` when the file has neither. */
export function stripYamlExtension(path: string): string | undefined {
  const match = /^(.*)\.ya?ml$/.exec(path);
  return match?.[1];
}
