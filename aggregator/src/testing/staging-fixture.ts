// The shop repo with staging kinds and a `.sops.yaml` for staging secrets, for the staging routes' and the CLI's tests.
import type { FixtureSpec } from '@cascade/git-fixture';
import { SHOP_FIXTURE } from './shop-fixture.ts';

/**
 * Kinds: `feature` (template dev, namespace `shop-{name}`, a base domain, room for 12), `tiny` (a long namespace
 * pattern, room for one), `bare` (namespace `{name}`), `orphan` (copies an environment the repo lacks). Environment prod
 * deploys into namespace `shop-live`, so a staging named `live` of kind feature would take it.
 */
export function stagingFixture(options: { recipient?: string; limit?: number } = {}): FixtureSpec {
  const files: Record<string, string> = {
    'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  prod: { target: local, namespace: shop-live }\n',
    'stagings.yaml': [
      '# staging kinds of the shop',
      'stagings:',
      `  feature: { template: dev, target: local, namespace: "shop-{name}", baseDomain: shop.example.com, archiveAfter: 7d, retention: 14d, limit: ${options.limit ?? 12} }`,
      '  tiny: { template: dev, target: local, namespace: "a-rather-long-prefix-for-every-tiny-staging-{name}", limit: 1 }',
      '  bare: { template: dev, target: local, namespace: "{name}" }',
      '  orphan: { template: qa, target: local }',
      '',
    ].join('\n'),
  };
  if (options.recipient !== undefined) files['.sops.yaml'] = `creation_rules:\n  - path_regex: ^stagings/\n    age: ${options.recipient}\n`;
  return { commits: [...SHOP_FIXTURE.commits, { name: 'stagings', message: 'Staging kinds', files }] };
}
