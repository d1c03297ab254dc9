// Resource and environment names: the only paths Cascade accepts from a repo or an API request.

/** One path segment of a resource name, and the whole of an environment name. */
export const NAME_SEGMENT = /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/;

/** Longest resource name accepted; Kubernetes label values and file systems both have limits. */
export const MAX_NAME_LENGTH = 253;

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
  if (!NAME_SEGMENT.test(name) || name.length > 63) {
    return `environment "${printable(name)}" must match ${NAME_SEGMENT.source} and be at most 63 characters`;
  }
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
