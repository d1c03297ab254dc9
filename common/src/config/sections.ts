// One reader per section of `cascade.yaml`; defaults and rules here are what docs/configuration.md describes.
import { join } from 'node:path';
import { isScalar } from 'yaml';
import { checkKindEntry } from '../model/kube-kinds.ts';
import { checkEnvName } from '../model/names.ts';
import { ROLES } from '../service/auth/roles.ts';
import { LOG_LEVELS } from '../service/logger/levels.ts';
import { INSTALLATION_ID, defaultInstallationId } from './installation.ts';
import { boolean, duration, integerBetween, listen, oneOf, path, repoUrl, serviceUrl, sha256Hex, text } from './kinds.ts';
import { parseListen } from '../service/http/listen.ts';
import type { MapReader } from './reader.ts';
import { MapReader as Reader, report } from './reader.ts';
import { readElection } from './election-section.ts';
import { readSecrets } from './secrets-section.ts';
import { readAggregatorAuth } from './auth-section.ts';
import type { AggregatorConfig, CascadeConfig, KubernetesEnvironmentConfig, KubernetesTargetConfig, LogConfig, RepoConfig, TargetConfig, TokenConfig } from './types.ts';

/** Default listen addresses: loopback only, one port per service. */
export const DEFAULT_LISTEN = { aggregator: '127.0.0.1:7400', deployer: '127.0.0.1:7401', transitioner: '127.0.0.1:7402' } as const;

/** Default `deployer.reconcileInterval`: how often a watching deployer re-reads every live object instead of trusting its watch events. */
const DEFAULT_RECONCILE_INTERVAL_MS = 10 * 60_000;

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** What `aggregator.tokens[].name` accepts; it becomes a commit author, so `cascade token new` checks it too. */
export const TOKEN_NAME = /^[A-Za-z0-9]([A-Za-z0-9._@-]*[A-Za-z0-9])?$/;
const BRANCH = /^(?!-|\/|.*\.\.|.*\/\/|.*\/$|.*\.lock$)[A-Za-z0-9._/-]+$/;
const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Reads the whole document; problems go to the reader's context, missing values come back undefined. */
export function readCascadeConfig(root: MapReader, file: string, configDir: string): Partial<CascadeConfig> {
  const repo = readRepo(root.map('repo'));
  const dataDir = root.scalar('dataDir', path, join(configDir, '.cascade'));
  const log = readLog(root.map('log'));
  const targets = readTargets(root.map('targets'));
  // Each peer URL defaults to the peer's listen address, so both listen addresses are read before any URL.
  const deployerSection = root.map('deployer');
  const transitionerSection = root.map('transitioner');
  const aggregatorSection = root.map('aggregator');
  const deployerListen = deployerSection.scalar('listen', listen, DEFAULT_LISTEN.deployer)!;
  const transitionerListen = transitionerSection.scalar('listen', listen, DEFAULT_LISTEN.transitioner)!;
  const aggregatorListen = aggregatorSection.scalar('listen', listen, DEFAULT_LISTEN.aggregator)!;
  const deployerUrl = urlOf(deployerListen);
  const transitionerUrl = urlOf(transitionerListen);
  const aggregatorUrl = urlOf(aggregatorListen);
  const deployer = {
    listen: deployerListen,
    transitioner: deployerSection.scalar('transitioner', serviceUrl, transitionerUrl)!,
    aggregator: deployerSection.scalar('aggregator', serviceUrl, aggregatorUrl)!,
    installation: deployerSection.scalar('installation', text(INSTALLATION_ID, 'at most 63 lower-case letters, digits and dashes, starting and ending with a letter or digit'), defaultInstallationId(repo))!,
    reconcileInterval: deployerSection.scalar('reconcileInterval', duration(10_000, '10s'), DEFAULT_RECONCILE_INTERVAL_MS)!,
    shards: deployerSection.scalar('shards', integerBetween(1, 256), 1)!,
  };
  deployerSection.finish();
  const transitioner = {
    listen: transitionerListen,
    deployer: transitionerSection.scalar('deployer', serviceUrl, deployerUrl)!,
    aggregator: transitionerSection.scalar('aggregator', serviceUrl, aggregatorUrl)!,
  };
  transitionerSection.finish();
  const aggregator = readAggregator(aggregatorSection, aggregatorListen, deployerUrl, transitionerUrl);
  const secrets = readSecrets(root.map('secrets'));
  const election = readElection(root.map('election'));
  if (deployer.shards > 1 && election === undefined) report(root.ctx, 'invalid-value', 'deployer.shards', 'needs election: the shards are Leases replicas hold', deployerSection.node);
  root.finish();
  return { file, repo, dataDir, log, targets, deployer, transitioner, aggregator, secrets, ...(election === undefined ? {} : { election }) };
}

function readRepo(section: MapReader): RepoConfig {
  const location = section.scalar('url', repoUrl, { required: true });
  const repo = {
    url: location?.url ?? '',
    transport: location?.transport ?? 'path',
    branch: section.scalar('branch', text(BRANCH, 'a branch name like main'), 'main')!,
    pollInterval: section.scalar('pollInterval', duration(1000, '1s'), 10_000)!,
  };
  section.finish();
  return repo;
}

function readLog(section: MapReader): LogConfig {
  const log = {
    level: section.scalar('level', oneOf(LOG_LEVELS), 'info')!,
    format: section.scalar('format', oneOf(['json', 'text'] as const), 'json')!,
  };
  section.finish();
  return log;
}

function readTargets(section: MapReader): Record<string, TargetConfig> {
  const targets: Record<string, TargetConfig> = {};
  for (const { name, key } of section.keys()) {
    const target = section.map(name);
    if (!NAME.test(name)) report(section.ctx, 'invalid-value', target.path, 'target names must be lower-case letters, digits and dashes', key);
    if (!target.wellFormed) continue;
    const type = target.scalar('type', oneOf(['kubernetes', 'script'] as const), { required: true });
    if (type === 'kubernetes') {
      const kube = {
        type,
        kubeconfig: target.scalar('kubeconfig', path),
        context: target.scalar('context', text()),
        inCluster: target.scalar('inCluster', boolean, false)!,
        namespaced: target.scalar('namespaced', boolean, false)!,
        allowedNamespaces: target.raw('allowedNamespaces') === undefined ? undefined : readNamespacePatterns(target, 'allowedNamespaces'),
        ...readTargetPolicy(target),
        parallelism: target.scalar('parallelism', integerBetween(1, 64)),
      };
      if (kube.inCluster && (kube.kubeconfig || kube.context)) {
        report(section.ctx, 'invalid-value', target.childPath('inCluster'), 'inCluster: true excludes kubeconfig and context', target.node);
      }
      targets[name] = dropUndefined(kube);
    } else if (type === 'script') {
      targets[name] = {
        type,
        dir: target.scalar('dir', path, { required: true }) ?? '',
        projectName: target.scalar('projectName', text(), { required: true }) ?? '',
        baseDomain: target.scalar('baseDomain', text(DOMAIN, 'a lower-case DNS name like shop.example.com'), { required: true }) ?? '',
        timeout: target.scalar('timeout', duration(1000, '1s'), 5 * 60_000)!,
        checkInterval: target.scalar('checkInterval', duration(1000, '1s'), 60_000)!,
        parallelism: target.scalar('parallelism', integerBetween(1, 64), 4)!,
        configArguments: target.scalar('configArguments', oneOf(['file', 'argv'] as const), 'file')!,
      };
    } else {
      // Without a valid type the other keys cannot be judged; mark them seen so only the type is reported.
      for (const other of target.keys()) target.raw(other.name);
    }
    target.finish();
  }
  return targets;
}

function readAggregator(section: MapReader, listenAddress: string, deployerUrl: string, transitionerUrl: string): AggregatorConfig {
  const aggregator: AggregatorConfig = {
    listen: listenAddress,
    deployer: section.scalar('deployer', serviceUrl, deployerUrl)!,
    transitioner: section.scalar('transitioner', serviceUrl, transitionerUrl)!,
    anonymousRead: section.scalar('anonymousRead', boolean, false)!,
    ciEnvironments: readEnvironmentList(section, 'ciEnvironments'),
    publicConfig: readPublicConfig(section, 'publicConfig'),
    tokens: readTokens(section),
    auth: readAggregatorAuth(section.map('auth')),
  };
  section.finish();
  return aggregator;
}

// A key as it appears in a version file's `config` or `deploymentConfig`, optionally ending in `*` (any rest).
const PUBLIC_CONFIG_PATTERN = /^[^*\p{Cc}]*\*?$/u;

/** The config keys the operator declares non-secret: names, each possibly ending in `*`; repeats are dropped. */
function readPublicConfig(section: MapReader, key: string): string[] {
  const patterns = new Set<string>();
  section.list(key).forEach((node, index) => {
    const path = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string') return report(section.ctx, 'wrong-type', path, 'must be a config key name (a string), optionally ending in *', node);
    if (node.value === '' || node.value.length > 256 || !PUBLIC_CONFIG_PATTERN.test(node.value)) {
      return report(section.ctx, 'invalid-value', path, 'must be a config key name of at most 256 characters, with * only at the end (e.g. LOG_LEVEL or FEATURE_*)', node);
    }
    patterns.add(node.value);
  });
  return [...patterns];
}

// A namespace name, a prefix of one followed by `*`, or `*` alone.
const NAMESPACE_PATTERN = /^(\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?|[a-z0-9][-a-z0-9]*\*)$/;

/** A list of namespace names, each possibly ending in `*` (any rest); repeats are dropped. */
function readNamespacePatterns(section: MapReader, key: string): string[] {
  const patterns = new Set<string>();
  section.list(key).forEach((node, index) => {
    const path = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string' || !NAMESPACE_PATTERN.test(node.value) || node.value.length > 64) {
      return report(section.ctx, 'invalid-value', path, 'must be a namespace name, optionally ending in * (e.g. shop-*)', node);
    }
    patterns.add(node.value);
  });
  return [...patterns];
}

// A ServiceAccount name: a DNS subdomain.
const SERVICE_ACCOUNT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// An environment name, a prefix of one followed by `*`, or `*` alone.
const ENVIRONMENT_PATTERN = /^(\*|[a-z0-9]([a-z0-9._-]*[a-z0-9])?|[a-z0-9][a-z0-9._-]*\*)$/;

/** The policy keys of a kubernetes target beside allowedNamespaces (see common/src/model/target-policy.ts); absent keys stay absent. */
function readTargetPolicy(target: MapReader): Pick<KubernetesTargetConfig, 'clusterKinds' | 'deniedKinds' | 'allowedEnvironments' | 'environments'> {
  const present = (key: string) => target.raw(key) !== undefined;
  return {
    ...(present('clusterKinds') ? { clusterKinds: readKinds(target, 'clusterKinds') } : {}),
    ...(present('deniedKinds') ? { deniedKinds: readKinds(target, 'deniedKinds') } : {}),
    ...(present('allowedEnvironments') ? { allowedEnvironments: readEnvironmentPatterns(target, 'allowedEnvironments') } : {}),
    ...(present('environments') ? { environments: readTargetEnvironments(target.map('environments')) } : {}),
  };
}

/** `targets.<name>.environments`: per environment namespaces, cluster kinds and the ServiceAccount to act as. */
function readTargetEnvironments(section: MapReader): Record<string, KubernetesEnvironmentConfig> {
  const environments: Record<string, KubernetesEnvironmentConfig> = {};
  for (const { name, key } of section.keys()) {
    const entry = section.map(name);
    const problem = checkEnvName(name);
    if (problem) report(section.ctx, 'invalid-value', entry.path, problem, key);
    const read: KubernetesEnvironmentConfig = {
      ...(entry.raw('namespaces') !== undefined ? { namespaces: readNamespacePatterns(entry, 'namespaces') } : {}),
      ...(entry.raw('clusterKinds') !== undefined ? { clusterKinds: readKinds(entry, 'clusterKinds') } : {}),
    };
    const serviceAccount = entry.scalar('serviceAccount', text(SERVICE_ACCOUNT, 'a ServiceAccount name (lower-case letters, digits, "-" and ".")'));
    if (serviceAccount !== undefined) read.serviceAccount = serviceAccount;
    entry.finish();
    if (!problem && entry.wellFormed) environments[name] = read;
  }
  return environments;
}

/** A list of kinds (`Kind` or `group/Kind`), each checked for the spelling manifests use; repeats are dropped. */
function readKinds(section: MapReader, key: 'clusterKinds' | 'deniedKinds'): string[] {
  const kinds = new Set<string>();
  section.list(key).forEach((node, index) => {
    const path = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string') return report(section.ctx, 'wrong-type', path, 'must be a kind like ClusterRole (a string)', node);
    const problem = checkKindEntry(node.value, key);
    if (problem) return report(section.ctx, 'invalid-value', path, problem, node);
    kinds.add(node.value);
  });
  return [...kinds];
}

/** A list of environment names, each possibly ending in `*` (any rest); repeats are dropped. */
function readEnvironmentPatterns(section: MapReader, key: string): string[] {
  const patterns = new Set<string>();
  section.list(key).forEach((node, index) => {
    const path = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string' || !ENVIRONMENT_PATTERN.test(node.value) || node.value.length > 64) {
      return report(section.ctx, 'invalid-value', path, 'must be an environment name, optionally ending in * (e.g. feature-*)', node);
    }
    patterns.add(node.value);
  });
  return [...patterns];
}

/** A list of environment names, each checked like a folder name of the resource repo; repeats are dropped. */
function readEnvironmentList(section: MapReader, key: string): string[] {
  const names = new Set<string>();
  section.list(key).forEach((node, index) => {
    const path = `${section.childPath(key)}[${index}]`;
    if (!isScalar(node) || typeof node.value !== 'string') return report(section.ctx, 'wrong-type', path, 'must be an environment name', node);
    const problem = checkEnvName(node.value);
    if (problem) return report(section.ctx, 'invalid-value', path, problem, node);
    names.add(node.value);
  });
  return [...names];
}

function readTokens(section: MapReader): TokenConfig[] {
  const tokens: TokenConfig[] = [];
  const seenNames = new Set<string>();
  const seenHashes = new Set<string>();
  section.list('tokens').forEach((node, index) => {
    const entry = Reader.of(section.ctx, `${section.childPath('tokens')}[${index}]`, node, false);
    const name = entry.scalar('name', text(TOKEN_NAME, 'letters, digits, ".", "_", "@" or "-"'), { required: true });
    const role = entry.scalar('role', oneOf(ROLES), { required: true });
    const sha256 = entry.scalar('sha256', sha256Hex, { required: true });
    const delegate = entry.scalar('delegate', boolean, false)!;
    if (name !== undefined && seenNames.has(name)) report(section.ctx, 'invalid-value', entry.childPath('name'), `duplicate token name ${name}`, entry.raw('name'));
    if (sha256 !== undefined && seenHashes.has(sha256)) report(section.ctx, 'invalid-value', entry.childPath('sha256'), 'the same token is listed twice', entry.raw('sha256'));
    if (name !== undefined) seenNames.add(name);
    if (sha256 !== undefined) seenHashes.add(sha256);
    entry.finish();
    if (name !== undefined && role !== undefined && sha256 !== undefined) tokens.push({ name, role, sha256, ...(delegate ? { delegate } : {}) });
  });
  return tokens;
}

/** The URL another service uses to reach `listen`; wildcard binds are reached over loopback. */
function urlOf(listenAddress: string): string {
  const parsed = parseListen(listenAddress);
  if ('error' in parsed) return `http://${listenAddress}`;
  const host = parsed.host === '0.0.0.0' ? '127.0.0.1' : parsed.host === '::' ? '::1' : parsed.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${parsed.port}`;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
