import { describe, expect, it } from 'vitest';
import { checkDeployerTargets, namespaceAllowed, type TargetSummary } from './deployer-targets.ts';
import { parseSnapshot } from './snapshot.ts';
import { repoFilesFromText } from '../repo/files.ts';

describe('namespaceAllowed', () => {
  // [namespace, allow-list, allowed?]
  const cases: Array<[string, string[] | undefined, boolean]> = [
    // Without a list everything is allowed except what Kubernetes itself uses.
    ['dev', undefined, true],
    ['shop-prod', undefined, true],
    ['kube', undefined, true],
    ['kubernetes-dashboard', undefined, true],
    ['my-kube-system', undefined, true],
    ['default-shop', undefined, true],
    ['default', undefined, false],
    ['kube-system', undefined, false],
    ['kube-public', undefined, false],
    ['kube-node-lease', undefined, false],
    ['kube-', undefined, false],
    // A list allows exactly what its entries match.
    ['dev', [], false],
    ['dev', ['dev'], true],
    ['dev2', ['dev'], false],
    ['de', ['dev'], false],
    ['pp', ['dev', 'pp'], true],
    ['shop-dev', ['shop-*'], true],
    ['shop-', ['shop-*'], true],
    ['shop', ['shop-*'], false],
    ['shopx', ['shop-*'], false],
    ['x-shop-dev', ['shop-*'], false],
    // Only a trailing `*` is a wildcard.
    ['axb', ['a*b'], false],
    ['a*b', ['a*b'], true],
    ['ab', ['*b'], false],
    // A bare `*` allows everything but `default` and `kube-*`, which only an explicit entry allows.
    ['anything', ['*'], true],
    ['default', ['*'], false],
    ['kube-system', ['*'], false],
    ['default', ['*', 'default'], true],
    ['kube-system', ['*', 'default'], false],
    ['default', ['default'], true],
    ['kube-system', ['kube-system'], true],
    ['kube-public', ['kube-system'], false],
    ['kube-public', ['kube-*'], true],
    ['kube-system', ['k*'], true],
    ['dev', ['kube-*'], false],
    ['default', ['dev'], false],
    ['kube-system', ['dev', 'shop-*'], false],
  ];
  it.each(cases)('%s with %j: %s', (namespace, list, allowed) => {
    expect(namespaceAllowed(namespace, list)).toBe(allowed);
  });
});

const deployersYaml = [
  'deployers:', //                                                              line 1
  '  dev: { target: local, namespace: shop-dev, prune: true }', //              line 2
  '  pp: { target: lokal, namespace: shop-pp }', //                             line 3
  '  ops: { target: local, namespace: kube-system, prune: true }', //           line 4
  '  web: { target: local, namespace: default }', //                            line 5
  '  bare: { target: local }', //                                              line 6
  '  previews: { target: scripts, namespace: kube-system }', //                 line 7
  '  proto: { target: constructor, namespace: shop-x }', //                     line 8
  '',
].join('\n');

const targets: Record<string, TargetSummary> = { local: { type: 'kubernetes' }, scripts: { type: 'script' } };

function snapshotOf(text: string) {
  return parseSnapshot(repoFilesFromText('c0ffee', { 'deployers.yaml': text }));
}

describe('checkDeployerTargets', () => {
  it('reports unknown targets and namespaces the target does not allow, each at its place in deployers.yaml', () => {
    const problems = checkDeployerTargets(snapshotOf(deployersYaml), targets);
    expect(problems).toEqual([
      { file: 'deployers.yaml', line: 3, col: 17, severity: 'error', code: 'deployer-unknown-target', env: 'pp', message: expect.stringMatching(/deployers\.pp: target "lokal" is not defined in the deployer's config.*local, scripts/) },
      { file: 'deployers.yaml', line: 4, col: 36, severity: 'error', code: 'deployer-namespace-not-allowed', env: 'ops', message: expect.stringContaining('namespace "kube-system"') },
      { file: 'deployers.yaml', line: 5, col: 36, severity: 'error', code: 'deployer-namespace-not-allowed', env: 'web', message: expect.stringContaining('namespace "default"') },
      { file: 'deployers.yaml', line: 6, col: 19, severity: 'error', code: 'deployer-namespace-not-allowed', env: 'bare', message: expect.stringContaining('no "namespace"') },
      { file: 'deployers.yaml', line: 8, col: 20, severity: 'error', code: 'deployer-unknown-target', env: 'proto', message: expect.stringContaining('target "constructor"') },
    ]);
  });

  it('says how to allow a namespace, naming the target', () => {
    const [problem] = checkDeployerTargets(snapshotOf('deployers:\n  ops: { target: local, namespace: kube-system }\n'), targets);
    expect(problem?.message).toContain('targets.local.allowedNamespaces');
  });

  it('accepts what the target allows explicitly', () => {
    const allowing = { ...targets, local: { type: 'kubernetes', allowedNamespaces: ['shop-*', 'kube-system', 'default'] } };
    const problems = checkDeployerTargets(snapshotOf(deployersYaml), allowing);
    expect(problems.map((p) => `${p.env}:${p.code}`)).toEqual(['pp:deployer-unknown-target', 'proto:deployer-unknown-target']);
  });

  it('refuses a namespace outside the allow-list, even an ordinary one', () => {
    const allowing = { local: { type: 'kubernetes', allowedNamespaces: ['shop-*'] } };
    const problems = checkDeployerTargets(snapshotOf('deployers:\n  dev: { target: local, namespace: dev }\n'), allowing);
    expect(problems).toEqual([expect.objectContaining({ code: 'deployer-namespace-not-allowed', env: 'dev', line: 2, col: 36, message: expect.stringContaining('shop-*') })]);
  });

  it('refuses an environment the target does not take (allowedEnvironments), at the target of its binding', () => {
    const guarded = { local: { type: 'kubernetes', allowedEnvironments: ['prod', 'pp*'] } };
    const text = 'deployers:\n  prod: { target: local, namespace: shop-prod }\n  dev: { target: local, namespace: shop-dev }\n  pp-2: { target: local, namespace: shop-pp }\n';
    expect(checkDeployerTargets(snapshotOf(text), guarded)).toEqual([{
      file: 'deployers.yaml', line: 3, col: 18, severity: 'error', code: 'deployer-environment-not-allowed', env: 'dev',
      message: 'deployers.dev: target "local" does not take environment dev (it allows only prod, pp*); bind it to another target, or list it in targets.local.allowedEnvironments of the deployer\'s config',
    }]);
  });

  it('does not resolve target names through inherited properties', () => {
    const text = ['deployers:', ...['toString', '__proto__', 'hasOwnProperty', 'valueOf'].map((t, i) => `  e${i}: { target: ${t}, namespace: shop }`), ''].join('\n');
    const problems = checkDeployerTargets(snapshotOf(text), targets);
    expect(problems.map((p) => p.code)).toEqual(Array(4).fill('deployer-unknown-target'));
  });

  it('finds nothing to say about a repo that fits the config', () => {
    expect(checkDeployerTargets(snapshotOf('deployers:\n  dev: { target: local, namespace: shop-dev }\n  previews: { target: scripts }\n'), targets)).toEqual([]);
    expect(checkDeployerTargets(snapshotOf(''), targets)).toEqual([]);
    expect(checkDeployerTargets(parseSnapshot(repoFilesFromText('c0ffee', {})), targets)).toEqual([]);
  });

  it('reports without a position when the file text is not at hand', () => {
    const { deployers } = snapshotOf(deployersYaml);
    const problems = checkDeployerTargets({ deployers }, targets);
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatchObject({ file: 'deployers.yaml', code: 'deployer-unknown-target', env: 'pp' });
    expect(problems[0]).not.toHaveProperty('line');
  });
});
