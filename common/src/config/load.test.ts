import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from './errors.ts';
import { ConfigError, formatConfigProblem } from './errors.ts';
import { defaultInstallationId } from './installation.ts';
import { loadConfig, MAX_CONFIG_BYTES, parseConfig } from './load.ts';

const FILE = '/etc/cascade/cascade.yaml';
const HASH = 'a'.repeat(64);

const FULL = `repo: { url: ../remote.git, branch: main, pollInterval: 10s }
dataDir: state
log: { level: debug, format: text }
targets:
  local:   { type: kubernetes, kubeconfig: ~/.kube/config, context: dev-cluster }
  in-pod:  { type: kubernetes, inCluster: true }
  scripts: { type: script, dir: control-scripts, projectName: Shop, baseDomain: shop.example.com, timeout: 1h30m }
deployer:     { listen: 127.0.0.1:7401 }
transitioner: { listen: 127.0.0.1:7402, deployer: http://127.0.0.1:7401 }
aggregator:
  listen: 0.0.0.0:8080
  anonymousRead: true
  tokens: [ { name: github-ci, role: ci, sha256: "${HASH.toUpperCase()}" } ]
`;

/** Parses `text`, expecting failure, and returns the problems. */
function problemsOf(text: string, env: Record<string, string> = {}): ConfigProblem[] {
  try {
    parseConfig(text, { file: FILE, env, home: '/home/ann' });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('config-invalid');
    return [...(error as ConfigError).problems];
  }
  throw new Error('expected a ConfigError');
}

const brief = (p: ConfigProblem) => ({ code: p.code, path: p.path, line: p.line, env: p.env });

describe('parseConfig', () => {
  it('reads a full config, resolving paths against the config file and ~ against home', () => {
    const config = parseConfig(FULL, { file: FILE, home: '/home/ann' });
    expect(config.repo).toEqual({ url: '/etc/remote.git', transport: 'path', branch: 'main', pollInterval: 10_000 });
    expect(config.dataDir).toBe('/etc/cascade/state');
    expect(config.log).toEqual({ level: 'debug', format: 'text' });
    expect(config.targets).toEqual({
      local: { type: 'kubernetes', kubeconfig: '/home/ann/.kube/config', context: 'dev-cluster', inCluster: false, namespaced: false },
      'in-pod': { type: 'kubernetes', inCluster: true, namespaced: false },
      scripts: { type: 'script', dir: '/etc/cascade/control-scripts', projectName: 'Shop', baseDomain: 'shop.example.com', timeout: 5_400_000, checkInterval: 60_000, parallelism: 4, configArguments: 'file' },
    });
    expect(config.aggregator).toEqual({
      listen: '0.0.0.0:8080',
      deployer: 'http://127.0.0.1:7401',
      transitioner: 'http://127.0.0.1:7402',
      anonymousRead: true,
      ciEnvironments: [],
      publicConfig: [],
      tokens: [{ name: 'github-ci', role: 'ci', sha256: HASH }],
      auth: { sessionTtl: 12 * 3_600_000 },
    });
  });

  it('fills defaults from a minimal config, deriving service URLs from their listen addresses', () => {
    const config = parseConfig('repo: { url: git@github.com:acme/deploy.git }\ndeployer: { listen: "0.0.0.0:9001" }\n', { file: FILE });
    expect(config.repo).toEqual({ url: 'git@github.com:acme/deploy.git', transport: 'ssh', branch: 'main', pollInterval: 10_000 });
    expect(config.dataDir).toBe('/etc/cascade/.cascade');
    expect(config.log).toEqual({ level: 'info', format: 'json' });
    expect(config.targets).toEqual({});
    expect(config.transitioner).toEqual({ listen: '127.0.0.1:7402', deployer: 'http://127.0.0.1:9001', aggregator: 'http://127.0.0.1:7400' });
    expect(config.deployer).toEqual({ listen: '0.0.0.0:9001', transitioner: 'http://127.0.0.1:7402', aggregator: 'http://127.0.0.1:7400', installation: defaultInstallationId(config.repo), reconcileInterval: 600_000, shards: 1 });
    expect(config.aggregator).toMatchObject({ listen: '127.0.0.1:7400', deployer: 'http://127.0.0.1:9001', anonymousRead: false, tokens: [] });
  });

  it('derives the aggregator URL the deployer and transitioner notify from aggregator.listen unless given', () => {
    const derived = parseConfig('repo: { url: r.git }\naggregator: { listen: "127.0.0.1:9400" }\n', { file: FILE });
    expect([derived.deployer.aggregator, derived.transitioner.aggregator]).toEqual(['http://127.0.0.1:9400', 'http://127.0.0.1:9400']);
    const given = parseConfig('repo: { url: r.git }\ntransitioner: { aggregator: "https://cascade.internal/" }\n', { file: FILE });
    expect(given.transitioner.aggregator).toBe('https://cascade.internal');
  });

  it("derives the deployer's transitioner URL from transitioner.listen unless given, in the file or the environment", () => {
    const derived = parseConfig('repo: { url: r.git }\ntransitioner: { listen: "[::]:9002" }\n', { file: FILE });
    expect(derived.deployer.transitioner).toBe('http://[::1]:9002');
    const given = parseConfig('repo: { url: r.git }\ndeployer: { transitioner: "https://transitioner.internal:8443/" }\n', { file: FILE });
    expect(given.deployer.transitioner).toBe('https://transitioner.internal:8443');
    const fromEnv = parseConfig('repo: { url: r.git }\n', { file: FILE, env: { CASCADE_DEPLOYER_TRANSITIONER: 'http://10.0.0.2:7402' } });
    expect(fromEnv.deployer.transitioner).toBe('http://10.0.0.2:7402');
    expect(problemsOf('repo: { url: r.git }\ndeployer: { transitioner: "ftp://x" }\n').map(brief)).toEqual([{ code: 'invalid-value', path: 'deployer.transitioner', line: 2, env: undefined }]);
  });

  it('takes deployer.installation from the file or the environment, else derives it from the repo url and branch', () => {
    const derived = parseConfig('repo: { url: ../remote.git, branch: main }\n', { file: FILE });
    expect(derived.deployer.installation).toBe(createHash('sha256').update('/etc/remote.git#main').digest('hex').slice(0, 10));
    // The relative path is resolved first, so another config naming the same repo differently gets the same id.
    expect(parseConfig('repo: { url: /etc/remote.git }\n', { file: '/srv/other/cascade.yaml' }).deployer.installation).toBe(derived.deployer.installation);
    expect(parseConfig('repo: { url: ../remote.git, branch: release }\n', { file: FILE }).deployer.installation).not.toBe(derived.deployer.installation);
    expect(parseConfig('repo: { url: ../other.git }\n', { file: FILE }).deployer.installation).not.toBe(derived.deployer.installation);
    expect(parseConfig('repo: { url: r.git }\ndeployer: { installation: shop-prod }\n', { file: FILE }).deployer.installation).toBe('shop-prod');
    const fromEnv = parseConfig('repo: { url: r.git }\ndeployer: { installation: shop-prod }\n', { file: FILE, env: { CASCADE_DEPLOYER_INSTALLATION: 'shop-test' } });
    expect(fromEnv.deployer.installation).toBe('shop-test');
  });

  it('refuses an installation id that is no DNS label, naming where it came from', () => {
    expect(problemsOf('repo: { url: r.git }\ndeployer:\n  installation: Shop_Prod\n').map((p) => ({ ...brief(p), col: p.col }))).toEqual([
      { code: 'invalid-value', path: 'deployer.installation', line: 3, col: 17, env: undefined },
    ]);
    expect(problemsOf(`repo: { url: r.git }\ndeployer: { installation: ${'a'.repeat(64)} }\n`).map(brief)).toEqual([{ code: 'invalid-value', path: 'deployer.installation', line: 2, env: undefined }]);
    expect(problemsOf('repo: { url: r.git }\ndeployer: { installation: 7 }\n').map((p) => p.code)).toEqual(['wrong-type']);
    expect(problemsOf('repo: { url: r.git }\n', { CASCADE_DEPLOYER_INSTALLATION: '-x-' }).map(brief)).toEqual([
      { code: 'invalid-value', path: 'deployer.installation', line: undefined, env: 'CASCADE_DEPLOYER_INSTALLATION' },
    ]);
  });

  it('takes deployer.reconcileInterval as a duration of at least 10s, from the file or the environment', () => {
    expect(parseConfig('repo: { url: r.git }\ndeployer: { reconcileInterval: 2m }\n', { file: FILE }).deployer.reconcileInterval).toBe(120_000);
    expect(parseConfig('repo: { url: r.git }\n', { file: FILE, env: { CASCADE_DEPLOYER_RECONCILEINTERVAL: '1h' } }).deployer.reconcileInterval).toBe(3_600_000);
    expect(problemsOf('repo: { url: r.git }\ndeployer: { reconcileInterval: 5s }\n').map(brief)).toEqual([{ code: 'invalid-value', path: 'deployer.reconcileInterval', line: 2, env: undefined }]);
  });

  it('returns a deeply frozen object', () => {
    const config = parseConfig(FULL, { file: FILE });
    expect(Object.isFrozen(config.aggregator.tokens[0])).toBe(true);
    expect(() => ((config.repo as { branch: string }).branch = 'x')).toThrow(TypeError);
  });

  it('names file, line:col and key path of an invalid value', () => {
    const [problem, ...rest] = problemsOf(FULL.replace('role: ci', 'role: robot'));
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      code: 'invalid-value',
      file: FILE,
      line: 13,
      col: 38,
      path: 'aggregator.tokens[0].role',
      message: 'must be one of viewer, ci, operator, admin',
    });
    expect(formatConfigProblem(problem!)).toBe(`${FILE}:13:38: aggregator.tokens[0].role: must be one of viewer, ci, operator, admin`);
  });

  it('reports unknown keys at their key, every one of them, in file order', () => {
    const problems = problemsOf('repo: { url: /r, brnach: dev }\naggregator:\n  listen: 127.0.0.1:1\n  token: []\nextra: 1\n');
    expect(problems.map(brief)).toEqual([
      { code: 'unknown-key', path: 'repo.brnach', line: 1, env: undefined },
      { code: 'unknown-key', path: 'aggregator.token', line: 4, env: undefined },
      { code: 'unknown-key', path: 'extra', line: 5, env: undefined },
    ]);
  });

  it('reports missing required keys, wrong types and bad durations', () => {
    const problems = problemsOf(
      'repo: { branch: 7, pollInterval: 10 }\ntargets:\n  s: { type: script, dir: x }\n  k: { type: cloud }\naggregator: []\n',
    );
    expect(problems.map(brief)).toEqual([
      { code: 'missing', path: 'repo.url', line: 1, env: undefined },
      { code: 'wrong-type', path: 'repo.branch', line: 1, env: undefined },
      { code: 'wrong-type', path: 'repo.pollInterval', line: 1, env: undefined },
      { code: 'missing', path: 'targets.s.projectName', line: 3, env: undefined },
      { code: 'missing', path: 'targets.s.baseDomain', line: 3, env: undefined },
      { code: 'invalid-value', path: 'targets.k.type', line: 4, env: undefined },
      { code: 'wrong-type', path: 'aggregator', line: 5, env: undefined },
    ]);
    expect(problems[0]?.message).toBe('is required (or set CASCADE_REPO_URL)');
  });

  it('rejects duplicate tokens, short hashes, inCluster with a kubeconfig and passwords in repo URLs', () => {
    const problems = problemsOf(`repo: { url: "https://bot:hunter2@git.example.com/r.git" }
targets: { k: { type: kubernetes, inCluster: true, context: x } }
aggregator:
  tokens:
    - { name: a, role: ci, sha256: ${HASH} }
    - { name: a, role: ci, sha256: ${HASH} }
    - { name: b, role: admin, sha256: abc }
`);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['invalid-value', 'repo.url'],
      ['invalid-value', 'targets.k.inCluster'],
      ['invalid-value', 'aggregator.tokens[1].name'],
      ['invalid-value', 'aggregator.tokens[1].sha256'],
      ['invalid-value', 'aggregator.tokens[2].sha256'],
    ]);
    expect(JSON.stringify(problems)).not.toContain('hunter2');
  });

  it('reads targets.<name>.allowedNamespaces as namespace names or prefixes ending in *, reporting each bad entry', () => {
    const config = parseConfig('repo: { url: r.git }\ntargets: { k: { type: kubernetes, allowedNamespaces: [shop-*, default, shop-*] } }\n', { file: FILE });
    expect(config.targets['k']).toMatchObject({ allowedNamespaces: ['shop-*', 'default'] });
    expect(parseConfig('repo: { url: r.git }\ntargets: { k: { type: kubernetes } }\n', { file: FILE }).targets['k']).not.toHaveProperty('allowedNamespaces');
    const problems = problemsOf('repo: { url: r.git }\ntargets: { k: { type: kubernetes, allowedNamespaces: [Shop, "a b", "*x", 3] } }\n');
    expect(problems.map((p) => p.path)).toEqual([0, 1, 2, 3].map((i) => `targets.k.allowedNamespaces[${i}]`));
  });

  it('reads targets.<name>.parallelism of kubernetes targets (stagings at once), absent unless given, from 1 to 64', () => {
    expect(parseConfig('repo: { url: r.git }\ntargets: { k: { type: kubernetes, parallelism: 8 } }\n', { file: FILE }).targets['k']).toMatchObject({ parallelism: 8 });
    const fromEnv = parseConfig('repo: { url: r.git }\ntargets: { k: { type: kubernetes } }\n', { file: FILE, env: { CASCADE_TARGETS_K_PARALLELISM: '2' } });
    expect(fromEnv.targets['k']).toMatchObject({ parallelism: 2 });
    for (const value of ['0', '65', '1.5']) expect(problemsOf(`repo: { url: r.git }\ntargets: { k: { type: kubernetes, parallelism: ${value} } }\n`).map((p) => p.path)).toEqual(['targets.k.parallelism']);
  });

  it('reads the target policy of kubernetes targets: clusterKinds, deniedKinds, allowedEnvironments, environments', () => {
    const text = `repo: { url: r.git }
targets:
  k:
    type: kubernetes
    clusterKinds: [Namespace, rbac.authorization.k8s.io/ClusterRole, Namespace]
    deniedKinds: [RoleBinding]
    allowedEnvironments: [prod, feature-*]
    environments:
      prod: { namespaces: [shop-shared, mon*], clusterKinds: [CustomResourceDefinition], serviceAccount: deployer }
      feature-x: {}
`;
    expect(parseConfig(text, { file: FILE }).targets['k']).toEqual({
      type: 'kubernetes', inCluster: false, namespaced: false,
      clusterKinds: ['Namespace', 'rbac.authorization.k8s.io/ClusterRole'],
      deniedKinds: ['RoleBinding'],
      allowedEnvironments: ['prod', 'feature-*'],
      environments: { prod: { namespaces: ['shop-shared', 'mon*'], clusterKinds: ['CustomResourceDefinition'], serviceAccount: 'deployer' }, 'feature-x': {} },
    });
    // Absent keys stay absent, so the strict defaults apply.
    expect(Object.keys(parseConfig('repo: { url: r.git }\ntargets: { k: { type: kubernetes } }\n', { file: FILE }).targets['k']!).sort()).toEqual(['inCluster', 'namespaced', 'type']);
    // The ServiceAccount can come from the environment like any single value.
    const fromEnv = parseConfig(text, { file: FILE, env: { CASCADE_TARGETS_K_ENVIRONMENTS_PROD_SERVICEACCOUNT: 'other' } });
    expect(fromEnv.targets['k']).toMatchObject({ environments: { prod: { serviceAccount: 'other' } } });
  });

  it('reports each bad entry of the target policy with its key path and line', () => {
    const problems = problemsOf(`repo: { url: r.git }
targets:
  k:
    type: kubernetes
    clusterKinds: [clusterroles, ConfigMap, 3]
    deniedKinds: ["Role Binding"]
    allowedEnvironments: [Prod, "*x"]
    environments:
      Prod: {}
      dev: { namespaces: [Shop], clusterKinds: [v1/Namespace], serviceAccount: "Not A Name", extra: 1 }
      pp: [a]
  s: { type: script, dir: d, projectName: P, baseDomain: x.example.com, clusterKinds: [ClusterRole] }
`);
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['invalid-value', 'targets.k.clusterKinds[0]', 5],
      ['invalid-value', 'targets.k.clusterKinds[1]', 5],
      ['wrong-type', 'targets.k.clusterKinds[2]', 5],
      ['invalid-value', 'targets.k.deniedKinds[0]', 6],
      ['invalid-value', 'targets.k.allowedEnvironments[0]', 7],
      ['invalid-value', 'targets.k.allowedEnvironments[1]', 7],
      ['invalid-value', 'targets.k.environments.Prod', 9],
      ['invalid-value', 'targets.k.environments.dev.namespaces[0]', 10],
      ['invalid-value', 'targets.k.environments.dev.clusterKinds[0]', 10],
      ['invalid-value', 'targets.k.environments.dev.serviceAccount', 10],
      ['unknown-key', 'targets.k.environments.dev.extra', 10],
      ['wrong-type', 'targets.k.environments.pp', 11],
      ['unknown-key', 'targets.s.clusterKinds', 12],
    ]);
    expect(problems[0]?.message).toContain('did you mean ClusterRole?');
    expect(problems[1]?.message).toContain('ConfigMap is namespaced');
  });

  it('reads aggregator.ciEnvironments as environment names, reporting each bad entry', () => {
    const config = parseConfig('repo: { url: r.git }\naggregator: { ciEnvironments: [hotfix, qa, hotfix] }\n', { file: FILE });
    expect(config.aggregator.ciEnvironments).toEqual(['hotfix', 'qa']);
    const problems = problemsOf('repo: { url: r.git }\naggregator: { ciEnvironments: [Prod, 3, { a: 1 }, ""] }\n');
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['invalid-value', 'aggregator.ciEnvironments[0]'],
      ['wrong-type', 'aggregator.ciEnvironments[1]'],
      ['wrong-type', 'aggregator.ciEnvironments[2]'],
      ['invalid-value', 'aggregator.ciEnvironments[3]'],
    ]);
    expect(problemsOf('repo: { url: r.git }\naggregator: { ciEnvironments: prod }\n').map((p) => [p.code, p.path])).toEqual([['wrong-type', 'aggregator.ciEnvironments']]);
  });

  it('reads aggregator.publicConfig as key names with an optional trailing *, reporting each bad entry', () => {
    const config = parseConfig('repo: { url: r.git }\naggregator: { publicConfig: [LOG_LEVEL, FEATURE_*, logLevel, LOG_LEVEL, "*"] }\n', { file: FILE });
    expect(config.aggregator.publicConfig).toEqual(['LOG_LEVEL', 'FEATURE_*', 'logLevel', '*']);
    const problems = problemsOf('repo: { url: r.git }\naggregator: { publicConfig: [3, "", "A*B", "**", { a: 1 }, "TAB\\tKEY"] }\n');
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['wrong-type', 'aggregator.publicConfig[0]', 2],
      ['invalid-value', 'aggregator.publicConfig[1]', 2],
      ['invalid-value', 'aggregator.publicConfig[2]', 2],
      ['invalid-value', 'aggregator.publicConfig[3]', 2],
      ['wrong-type', 'aggregator.publicConfig[4]', 2],
      ['invalid-value', 'aggregator.publicConfig[5]', 2],
    ]);
    expect(problemsOf('repo: { url: r.git }\naggregator: { publicConfig: LOG_LEVEL }\n').map((p) => [p.code, p.path])).toEqual([['wrong-type', 'aggregator.publicConfig']]);
    expect(parseConfig('repo: { url: r.git }\n', { file: FILE }).aggregator.publicConfig).toEqual([]);
  });

  it('reports YAML syntax errors and duplicate keys with their position', () => {
    expect(problemsOf('repo: { url: /r\n').map((p) => p.code)).toContain('yaml-syntax');
    const [duplicate] = problemsOf('repo: { url: /r }\nrepo: { url: /s }\n');
    expect(duplicate).toMatchObject({ code: 'yaml-syntax', line: 2 });
  });

  it('refuses alias bombs and oversized text', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill('*' + 'abcdefg'[i]).join(', ')}]`)].join('\n');
    expect(problemsOf(bomb).map((p) => p.code)).toEqual(['yaml-aliases']);
    expect(() => parseConfig('#'.repeat(MAX_CONFIG_BYTES + 1), { file: FILE })).toThrow(expect.objectContaining({ code: 'config-too-large' }));
  });
});

describe('environment overrides', () => {
  const base = 'repo: { url: /srv/repo.git }\ntargets: { staging-cluster: { type: kubernetes } }\n';

  it('override single values by mechanically derived names, converted like the file', () => {
    const config = parseConfig(base, {
      file: FILE,
      home: '/home/ann',
      env: {
        CASCADE_REPO_URL: 'https://git.example.com/deploy.git',
        CASCADE_REPO_POLLINTERVAL: '1m',
        CASCADE_AGGREGATOR_LISTEN: '127.0.0.1:0',
        CASCADE_AGGREGATOR_ANONYMOUSREAD: 'true',
        CASCADE_TARGETS_STAGING_CLUSTER_CONTEXT: 'kind-staging',
        CASCADE_DATADIR: '~/cascade',
        CASCADE_LOG_LEVEL: '',
        CASCADE_TOKEN: 'belongs to the CLI, not to the config',
      },
    });
    expect(config.repo).toMatchObject({ url: 'https://git.example.com/deploy.git', transport: 'https', pollInterval: 60_000 });
    expect(config.aggregator).toMatchObject({ listen: '127.0.0.1:0', anonymousRead: true });
    expect(config.targets['staging-cluster']).toEqual({ type: 'kubernetes', context: 'kind-staging', inCluster: false, namespaced: false });
    expect(config.dataDir).toBe('/home/ann/cascade');
    expect(config.log.level).toBe('info');
  });

  it('name the variable in errors, and refuse unknown variables under configuration prefixes', () => {
    const problems = problemsOf(base, { CASCADE_REPO_POLLINTERVAL: 'soon', CASCADE_DEPLOYER_LISTN: 'x', CASCADE_AGGREGATOR_TOKENS: '[]' });
    expect(problems.map(brief)).toEqual([
      { code: 'invalid-value', path: 'repo.pollInterval', line: undefined, env: 'CASCADE_REPO_POLLINTERVAL' },
      { code: 'unknown-env', path: '', line: undefined, env: 'CASCADE_AGGREGATOR_TOKENS' },
      { code: 'unknown-env', path: '', line: undefined, env: 'CASCADE_DEPLOYER_LISTN' },
    ]);
    expect(formatConfigProblem(problems[0]!)).toMatch(/^environment CASCADE_REPO_POLLINTERVAL \(repo.pollInterval\): must be a duration/);
  });
});

describe('loadConfig', () => {
  it('reads the file, resolving relative paths against its directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-config-'));
    try {
      await writeFile(join(dir, 'cascade.yaml'), 'repo: { url: ./remote.git }\n');
      const config = await loadConfig(join(dir, 'cascade.yaml'), {});
      expect(config.repo.url).toBe(join(dir, 'remote.git'));
      expect(config.dataDir).toBe(join(dir, '.cascade'));
      expect(config.file).toBe(join(dir, 'cascade.yaml'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing file and an oversized one before reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-config-'));
    try {
      await expect(loadConfig(join(dir, 'nope.yaml'), {})).rejects.toMatchObject({ code: 'config-unreadable' });
      await writeFile(join(dir, 'big.yaml'), Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x23));
      await expect(loadConfig(join(dir, 'big.yaml'), {})).rejects.toMatchObject({ code: 'config-too-large' });
      await expect(loadConfig(dir, {})).rejects.toMatchObject({ code: 'config-unreadable' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
