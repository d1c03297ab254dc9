// A resource repo whose history holds what the history view must put in words: promotions that step back in
// pipeline order (with numbered and with sha-like versions), one whose order is unknown, and a schedule commit.
import type { FixtureCommit, FixtureSpec } from '@cascade/git-fixture';

const base = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  template: { spec: { containers: [ { name: app, image: "registry/${name}:\${version}" } ] } }
`;
const version = (v: string) => `version: "${v}"\n`;
const ENVS = ['latest', 'dev', 'pp', 'prod'];

/** A version push into latest, as the aggregator writes it. */
function push(name: string, resource: string, v: string): FixtureCommit {
  return {
    name,
    message: `Update ${resource} to ${v}\n\nCascade-Type: Version\nCascade-Resource: ${resource}\nCascade-Env: latest\nCascade-Version: ${v}`,
    files: { [`latest/version/${resource}.yaml`]: version(v) },
  };
}

/** A promotion commit as the transitioner writes it: one `* ` line per resource, trailers naming what arrived. */
function promotion(name: string, transition: string, source: string, target: string, lines: Array<[string, string | undefined, string]>): FixtureCommit {
  const body = lines.map(([resource, from, to]) => `* ${resource} ${from === undefined ? `${to} (new)` : `${from} → ${to}`}`).join('\n');
  const trailers = lines.map(([resource, , to]) => `Cascade-Resource: ${resource}\nCascade-Version: ${to}`).join('\n');
  return {
    name,
    message: `Promote ${source} → ${target}\n\n${body}\n\nCascade-Type: Transition\nCascade-Transition: ${transition}\nCascade-Source: ${source}\nCascade-Target: ${target}\n${trailers}`,
    files: Object.fromEntries(lines.map(([resource, , to]) => [`${target}/version/${resource}.yaml`, version(to)])),
  };
}

/** When the schedule commit of the fixture says prod's next window opens. */
export const HISTORY_FIXTURE_WINDOW = '2026-12-03T05:00:00.000Z';

/**
 * latest → dev → pp → prod with `shop/cart` (1.5.1 pushed before 1.5.2) and `payments` (sha-like versions, e4f2a91
 * pushed before 0c3d7b2): both promoted to pp, set back by hand in dev, then promoted to pp again (a downgrade of
 * both); prod held a 1.6.0 nobody pushed, so its promotion to 1.5.1 has no known order; then a schedule commit.
 */
export const HISTORY_FIXTURE: FixtureSpec = {
  commits: [
    {
      name: 'initial',
      message: 'Initial resource repo',
      files: {
        'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  pp: { source: dev, target: pp }\n  prod: { source: pp, target: prod }\n',
        'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: dev }\n  pp: { target: local, namespace: pp }\n  prod: { target: local, namespace: prod }\n',
        ...Object.fromEntries(ENVS.flatMap((env) => [[`${env}/base/shop/cart.yaml`, base('cart')], [`${env}/base/payments.yaml`, base('payments')]])),
        'prod/version/shop/cart.yaml': version('1.6.0'),
      },
    },
    push('cart-151', 'shop/cart', '1.5.1'),
    push('payments-a', 'payments', 'e4f2a91'),
    push('cart-152', 'shop/cart', '1.5.2'),
    push('payments-b', 'payments', '0c3d7b2'),
    promotion('to-dev', 'dev', 'latest', 'dev', [['shop/cart', undefined, '1.5.2'], ['payments', undefined, '0c3d7b2']]),
    promotion('to-pp', 'pp', 'dev', 'pp', [['shop/cart', undefined, '1.5.2'], ['payments', undefined, '0c3d7b2']]),
    {
      name: 'set-back',
      message: 'Set dev back: 1.5.2 breaks the checkout',
      author: { name: 'Dana Ops', email: 'dana@example.com' },
      files: { 'dev/version/shop/cart.yaml': version('1.5.1'), 'dev/version/payments.yaml': version('e4f2a91') },
    },
    promotion('downgrade-pp', 'pp', 'dev', 'pp', [['shop/cart', '1.5.2', '1.5.1'], ['payments', '0c3d7b2', 'e4f2a91']]),
    promotion('to-prod', 'prod', 'pp', 'prod', [['shop/cart', '1.6.0', '1.5.1']]),
    {
      name: 'schedule',
      message: `Schedule prod: next window ${HISTORY_FIXTURE_WINDOW}\n\nCascade-Type: Schedule\nCascade-Transition: prod`,
      files: { 'transition_state.yaml': `transitions:\n  prod: { nextRun: "${HISTORY_FIXTURE_WINDOW}" }\n` },
    },
  ],
};
