// Self-heal: finds fields someone changed by hand since Cascade applied an object.
import type { YamlValue } from '@cascade/common';

/**
 * Paths where the live object differs from what Cascade applies, e.g. `spec.replicas`.
 * Only the fields Cascade sets are compared: fields the API server defaults or controllers add
 * are not drift. Lists are compared item by item, since Cascade owns the lists it sets.
 * A false positive (say `cpu: 0.5` read back as `500m`) only costs a no-op re-apply.
 */
export function findDrift(applied: YamlValue | undefined, live: YamlValue | undefined, path = ''): string[] {
  if (applied === null || typeof applied !== 'object') {
    return applied === live ? [] : [path === '' ? '.' : path];
  }
  if (Array.isArray(applied)) {
    if (!Array.isArray(live) || live.length !== applied.length) return [path];
    return applied.flatMap((item, index) => findDrift(item, live[index], `${path}[${index}]`));
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return [path === '' ? '.' : path];
  return Object.keys(applied)
    .filter((key) => !(path === '' && key === 'status'))
    .flatMap((key) => findDrift(applied[key], live[key], path === '' ? key : `${path}.${key}`));
}
