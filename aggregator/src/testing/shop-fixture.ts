// A small resource repo for the aggregator's tests: latest → dev → prod, one released and one unreleased resource.
import type { FixtureSpec } from '@cascade/git-fixture';

const base = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: \${replicas}
  template: { spec: { containers: [ { name: app, image: \${image} } ] } }
`;
const version = (v: string, image: string) => `# managed by CI
version: "${v}"
image: ${image}
replicas: 2
`;

/** latest, dev and prod with `shop/cart` released everywhere and `payments` only as a base in latest. */
export const SHOP_FIXTURE: FixtureSpec = {
  commits: [
    {
      name: 'initial',
      message: 'Initial resource repo',
      files: {
        'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  prod: { source: dev, target: prod }\n',
        'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  prod: { target: local, namespace: prod }\n',
        'latest/base/shop/cart.yaml': base('cart'),
        'latest/version/shop/cart.yaml': version('1.0.0', 'registry/cart:1.0.0'),
        'latest/base/payments.yaml': base('payments'),
        'dev/base/shop/cart.yaml': base('cart'),
        'dev/version/shop/cart.yaml': version('1.0.0', 'registry/cart:1.0.0'),
        'prod/base/shop/cart.yaml': base('cart'),
        'prod/version/shop/cart.yaml': version('0.9.0', 'registry/cart:0.9.0'),
        'prod/locks.yaml': '# locks of prod\nenv_lock: { reasons: [] }\n',
      },
    },
    {
      name: 'promote-prod',
      message: 'Promote shop/cart to prod\n\nCascade-Type: Transition\nCascade-Transition: prod\nCascade-Target: prod\nCascade-Resource: shop/cart\nCascade-Version: 1.0.0',
      files: { 'prod/version/shop/cart.yaml': version('1.0.0', 'registry/cart:1.0.0') },
    },
  ],
};
