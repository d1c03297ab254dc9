// `aggregator.publicConfig`: which version-file config keys the operator declared non-secret.

/** Tells whether a `config` or `deploymentConfig` key may be shown to every reader. */
export type PublicConfigRule = (key: string) => boolean;

/**
 * The rule of a list of key patterns: a pattern matches its key exactly (case-sensitive, as environment variables
 * are), and one ending in `*` matches every key starting with the rest. An empty list declares nothing public.
 */
export function publicConfigRule(patterns: readonly string[]): PublicConfigRule {
  const exact = new Set(patterns.filter((p) => !p.endsWith('*')));
  const prefixes = patterns.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
  return (key) => exact.has(key) || prefixes.some((prefix) => key.startsWith(prefix));
}
