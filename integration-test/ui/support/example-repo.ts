// The example repo (examples/shop) as a git fixture whose history tells how it got there: version pushes of
// shop/cart and their promotions, so the history view and rollbacks have something real to show.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FixtureCommit, FixtureSpec } from '@cascade/git-fixture';

const EXAMPLE = fileURLToPath(new URL('../../../examples/shop', import.meta.url));
const CART = 'version/shop/cart.yaml';
const CI = { name: 'shop-ci', email: 'ci@shop.example' };
const PERSON = { name: 'Dana Ops', email: 'dana@shop.example' };

/** The files of examples/shop, by repo path. */
export function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name !== 'README.md') files[relative(EXAMPLE, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(EXAMPLE);
  return files;
}

/** examples/shop reached through six commits; the last commit's tree is the example folder exactly. */
export function exampleShopFixture(): FixtureSpec {
  const files = exampleFiles();
  const cartAt = (version: string) => files[`latest/${CART}`]!.replaceAll('1.4.2', version);
  const start = { ...files };
  for (const env of ['latest', 'dev', 'pp']) start[`${env}/${CART}`] = cartAt('1.4.0');
  const push = (name: string, version: string, changelog: string): FixtureCommit => ({
    name,
    author: CI,
    message: `Push shop/cart ${version} to latest\n\n${changelog}\n\nCascade-Type: Version\nCascade-Resource: shop/cart\nCascade-Env: latest\nCascade-Version: ${version}`,
    files: { [`latest/${CART}`]: cartAt(version) },
  });
  const promote = (name: string, source: string, target: string, version: string): FixtureCommit => ({
    name,
    author: { name: 'cascade-transitioner', email: 'transitioner@cascade.invalid' },
    message: `Transition ${target}: ${source} → ${target}\n\nshop/cart ${version}\n\nCascade-Type: Transition\nCascade-Transition: ${target}\nCascade-Source: ${source}\nCascade-Target: ${target}\nCascade-Resource: shop/cart\nCascade-Version: ${version}`,
    files: { [`${target}/${CART}`]: cartAt(version) },
  });
  return {
    commits: [
      { name: 'initial', author: PERSON, message: 'Shop resource repo: latest, dev, pp and prod', files: start },
      push('push-1.4.1', '1.4.1', '- Basket totals are computed once per change\n- Fix rounding of discounts below one cent'),
      promote('dev-1.4.1', 'latest', 'dev', '1.4.1'),
      promote('pp-1.4.1', 'dev', 'pp', '1.4.1'),
      push('push-1.4.2', '1.4.2', '- Show delivery estimate in the basket'),
      promote('dev-1.4.2', 'latest', 'dev', '1.4.2'),
    ],
  };
}

/** examples/shop (with its staging kind `feature`) plus a `.sops.yaml` that encrypts staging secrets to `recipient`. */
export function exampleStagingFixture(recipient: string): FixtureSpec {
  const fixture = exampleShopFixture();
  fixture.commits.push({
    name: 'staging-secrets',
    author: PERSON,
    message: 'Staging secrets are encrypted to the deployer',
    files: { '.sops.yaml': `creation_rules:\n  - path_regex: ^stagings/\n    age: ${recipient}\n` },
  });
  return fixture;
}
