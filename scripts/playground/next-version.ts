// The push the playground suggests: a version that changes something on a reused playground too, and the command
// to paste, which the getting-started guide shows as a fresh playground prints it.

/** The next patch version after `version` (`1.5.0` → `1.5.1`, `1.4` → `1.4.1`); a version that is not numeric gets `.1` appended. */
export function nextPatch(version: string): string {
  const parts = version.split('.');
  if (parts.length === 0 || parts.some((part) => !/^\d+$/.test(part))) return `${version}.1`;
  if (parts.length < 3) return `${version}.1`;
  const last = Number(parts[parts.length - 1]) + 1;
  return [...parts.slice(0, -1), String(last)].join('.');
}

/** The `cascade push` command the playground prints for `version`, as CI would run it against `url` with `ciToken`. */
export function examplePush(url: string, ciToken: string, version: string): string {
  return [
    `CASCADE_URL=${url} CASCADE_TOKEN=${ciToken} \\`,
    `  npx cascade push shop/cart ${version} --set image=registry.example.com/shop/cart:${version} --changelog - <<< "Faster checkout"`,
  ].join('\n');
}
