// The version the playground's example push suggests: one that changes something on a reused playground too.

/** The next patch version after `version` (`1.5.0` → `1.5.1`, `1.4` → `1.4.1`); a version that is not numeric gets `.1` appended. */
export function nextPatch(version: string): string {
  const parts = version.split('.');
  if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part))) return `${version}.1`;
  if (parts.length < 3) return `${version}.1`;
  const last = Number(parts[parts.length - 1]) + 1;
  return [...parts.slice(0, -1), String(last)].join('.');
}
