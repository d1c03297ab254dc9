// A whole Cascade installation for one test: a resource repo seeded from examples/shop on a bare remote, a namespace
// per environment on the cluster, and the deployer, transitioner and aggregator as separate processes.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { openRepo, parseCommitMessage, type GitRepo, type WriteFunction } from '@cascade/common/git';
import { generateToken, hashToken } from '@cascade/common/service';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { freePort, runCli, ServiceProcess, type CliRun, type ServiceName } from './harness.ts';

const SHOP = fileURLToPath(new URL('../../examples/shop/', import.meta.url));
/** The environments of the shop example that a deployer applies. */
export const DEPLOYED_ENVS = ['dev', 'pp', 'prod'] as const;
/** One of DEPLOYED_ENVS. */
export type DeployedEnv = (typeof DEPLOYED_ENVS)[number];
/** The label integration-test/setup/namespace.ts puts on test namespaces, so leftovers can be found. */
const TEST_NAMESPACE_LABEL = 'cascade.test/namespace';

/** latest → dev → pp as in the example; prod from pp on a schedule that is not due for months (tests open it). */
export const DEFAULT_TRANSITIONS = `transitions:
  dev: { source: latest, target: dev }
  pp: { source: dev, target: pp, preconditions: [SourceClean] }
  prod: { source: pp, target: prod, preconditions: [SourceClean], schedule: "0 6 1 1 *", timezone: Europe/Berlin }
`;

/** Options of startStack. */
export interface StackOptions {
  kubeconfig: string;
  /** Short name for namespaces and the temp dir. */
  prefix: string;
  transitions?: string;
  /** Files added to (or, with null, removed from) the shop example. */
  files?: Record<string, string | null>;
  /** `repo.pollInterval` of every service (default 1s). */
  pollInterval?: string;
  /** `log.level` of every service (default info). */
  logLevel?: string;
  /** `aggregator.anonymousRead` (default false). */
  anonymousRead?: boolean;
  /** `aggregator.publicConfig`: config keys every reader may see (default none). */
  publicConfig?: string[];
  /** An age identity file's text: the deployer gets it as `secrets.ageIdentityFile` (the other services never do). */
  ageIdentity?: string;
  /**
   * Leader election: every service gets an `election` section with Leases in a namespace of its own, and
   * `replicas` processes of the deployer and the transitioner run (the first of each is `services.<name>`).
   */
  election?: { replicas: { deployer: number; transitioner: number; aggregator?: number }; shards: number; leaseDuration: string; renewDeadline: string; retryPeriod: string };
}

/** The roles a stack has a token for. */
export type StackRole = 'viewer' | 'ci' | 'operator' | 'admin';

/** A commit of the branch with its message split into subject, body and trailers. */
export interface BranchCommit {
  commit: string;
  parents: string[];
  /** Committer time, Unix seconds. */
  time: number;
  subject: string;
  body: string;
  trailers: Array<[string, string]>;
}

/** A running installation; `stop()` removes every trace of it. */
export interface Stack {
  fixture: GitFixture;
  namespaces: Record<DeployedEnv, string>;
  services: Record<ServiceName, ServiceProcess>;
  /** Every process of each service: one each, or as many as `election.replicas` asks for. */
  replicas: Record<ServiceName, ServiceProcess[]>;
  /** The namespace holding the Leases, with `election`. */
  leaseNamespace?: string;
  /** Each service's data dir (`dataDir` of its cascade.yaml), e.g. to start one again with an empty one. */
  dataDirs: Record<ServiceName, string>;
  /** Plain tokens by role, as CI, operators, viewers and admins would hold them. */
  tokens: Record<StackRole, string>;
  /** Runs the CLI with the token of `role`. */
  cli(role: StackRole, args: string[], stdin?: string): Promise<CliRun>;
  /** A Deployment in an environment's namespace as the API server has it, or undefined. */
  deployment(env: DeployedEnv, name: string): Promise<V1Deployment | undefined>;
  /** The image of the first container of a Deployment in an environment's namespace, as the API server has it. */
  image(env: DeployedEnv, deployment: string): Promise<string | undefined>;
  /** The branch's first-parent history on the remote, newest first. */
  commits(): Promise<BranchCommit[]>;
  /** A file's text at the remote's branch head. */
  file(path: string): Promise<string | null>;
  /** Commits to the remote as a person with push access would (through the git layer's retry protocol). */
  write(edit: WriteFunction): Promise<string>;
  /** The last lines of every service log, for a failure report. */
  logs(): Promise<string>;
  /** Runs `cleanup` when the stack stops, once its services are gone (so none re-creates what it removes). */
  afterStop(cleanup: () => Promise<unknown>): void;
  stop(): Promise<void>;
}

/**
 * The example shop's files, with deployers.yaml pointing each environment at its own namespace, pruning as the
 * example does. Stacks of other test files running at the same time share the environment names but not the
 * repo, so their installation labels differ and neither prunes the other's objects.
 */
export function shopFiles(namespaces: Record<DeployedEnv, string>, transitions: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yaml')) files[relative(SHOP, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(SHOP);
  files['deployers.yaml'] = `deployers:\n${DEPLOYED_ENVS.map((env) => `  ${env}: { target: local, namespace: ${namespaces[env]}, prune: true }\n`).join('')}`;
  files['transitions.yaml'] = transitions;
  return files;
}

/** Seeds the repo, creates the namespaces, writes one cascade.yaml per service and starts all three. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const kc = new KubeConfig();
  kc.loadFromFile(options.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const id = `${options.prefix}-${Date.now().toString(36)}`;
  const namespaces = Object.fromEntries(DEPLOYED_ENVS.map((env) => [env, `${id}-${env}`])) as Record<DeployedEnv, string>;
  const files: Record<string, string> = shopFiles(namespaces, options.transitions ?? DEFAULT_TRANSITIONS);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    if (content === null) delete files[path];
    else files[path] = content;
  }
  const dir = await mkdtemp(join(tmpdir(), `cascade-e2e-${options.prefix}-`));
  const cleanups: Array<() => Promise<unknown>> = [() => rm(dir, { recursive: true, force: true })];
  const lateCleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of [...cleanups.splice(0).reverse(), ...lateCleanups.splice(0)]) await cleanup().catch(() => {});
  };
  try {
    const fixture = await createFixture({ commits: [{ name: 'shop', message: 'The shop example', files }] });
    cleanups.push(() => fixture.cleanup());
    for (const name of Object.values(namespaces)) {
      await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
      cleanups.push(() => core.deleteNamespace({ name }));
    }
    const tokens: Record<StackRole, string> = { viewer: generateToken(), ci: generateToken(), operator: generateToken(), admin: generateToken() };
    const ports = { deployer: await freePort(), transitioner: await freePort(), aggregator: await freePort() };
    const services = {} as Record<ServiceName, ServiceProcess>;
    const replicas: Record<ServiceName, ServiceProcess[]> = { deployer: [], transitioner: [], aggregator: [] };
    const leaseNamespace = options.election === undefined ? undefined : `${id}-leases`;
    if (leaseNamespace !== undefined) {
      await core.createNamespace({ body: { metadata: { name: leaseNamespace, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
      cleanups.push(() => core.deleteNamespace({ name: leaseNamespace }));
    }
    const dataDirs = { deployer: join(dir, 'deployer'), transitioner: join(dir, 'transitioner'), aggregator: join(dir, 'aggregator') };
    // Readable by its owner only: the deployer refuses an identity file others can read.
    let identityFile: string | undefined;
    if (options.ageIdentity !== undefined) {
      identityFile = join(dir, 'age.key');
      await writeFile(identityFile, options.ageIdentity, { mode: 0o600 });
    }
    for (const name of ['deployer', 'transitioner', 'aggregator'] as const) {
      const configFile = join(dir, `${name}.cascade.yaml`);
      await mkdir(dataDirs[name]);
      const ageIdentityFile = name === 'deployer' ? identityFile : undefined;
      await writeFile(configFile, serviceConfig({ ...options, remote: fixture.remote, branch: fixture.branch, dataDir: dataDirs[name], ports, tokens, ageIdentityFile, leaseNamespace }));
      services[name] = new ServiceProcess(name, configFile, ports[name], join(dir, `${name}.log`));
      cleanups.push(() => services[name].close());
      replicas[name].push(services[name]);
      // More replicas: the same config with their own port and data dir, by environment variables as a pod spec sets them.
      const count = options.election?.replicas[name] ?? 1;
      for (let i = 1; i < count; i++) {
        const port = await freePort();
        const dataDir = join(dir, `${name}-${i}`);
        await mkdir(dataDir);
        const env = { [`CASCADE_${name.toUpperCase()}_LISTEN`]: `127.0.0.1:${port}`, CASCADE_DATADIR: dataDir };
        const replica = new ServiceProcess(name, configFile, port, join(dir, `${name}-${i}.log`), env);
        cleanups.push(() => replica.close());
        replicas[name].push(replica);
      }
    }
    // The deployers first, so the others find them when they start; the aggregator polls its peers anyway.
    await Promise.all(replicas.deployer.map((r) => r.start()));
    await Promise.all([...replicas.transitioner, ...replicas.aggregator].map((r) => r.start()));
    let person: GitRepo | undefined;
    cleanups.push(async () => person?.close());
    const git = fixture.git;
    return {
      fixture,
      namespaces,
      services,
      replicas,
      ...(leaseNamespace === undefined ? {} : { leaseNamespace }),
      dataDirs,
      tokens,
      cli: (role, args, stdin) => runCli(args, { url: services.aggregator.url, token: tokens[role] }, stdin),
      deployment: (env, name) => apps.readNamespacedDeployment({ name, namespace: namespaces[env] }).catch(() => undefined),
      async image(env, name) {
        const found = await apps.readNamespacedDeployment({ name, namespace: namespaces[env] }).catch(() => undefined);
        return found?.spec?.template.spec?.containers[0]?.image;
      },
      async commits() {
        const raw = await git('log', '--first-parent', '--format=%H %ct %P%x00%B%x1e', fixture.branch);
        return raw.split('\x1e').map((entry) => entry.replace(/^\n/, '')).filter((entry) => entry.trim() !== '').map((entry) => {
          const [ids = '', message = ''] = entry.split('\x00');
          const [commit = '', time = '', ...parents] = ids.trim().split(' ');
          return { commit, parents, time: Number(time), ...parseCommitMessage(message) };
        });
      },
      file: (path) => fixture.readFile(fixture.branch, path),
      async write(edit) {
        person ??= await openRepo({ url: fixture.remote, branch: fixture.branch, dir: join(dir, 'person.git') });
        const result = await person.write(edit);
        return result.commit;
      },
      async logs() {
        const parts = await Promise.all(Object.values(replicas).flat().map(async (s) => `=== ${s.name} (${s.logFile})\n${await s.tail()}`));
        return parts.join('\n');
      },
      afterStop(cleanup) {
        lateCleanups.push(cleanup);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface ConfigInput extends StackOptions {
  remote: string;
  branch: string;
  dataDir: string;
  ports: Record<ServiceName, number>;
  tokens: Record<StackRole, string>;
  /** Only in the deployer's config. */
  ageIdentityFile: string | undefined;
  leaseNamespace: string | undefined;
}

/** One service's cascade.yaml: the same installation for all three, its own data dir. */
function serviceConfig(input: ConfigInput): string {
  const url = (name: ServiceName) => `http://127.0.0.1:${input.ports[name]}`;
  return `repo: { url: ${JSON.stringify(input.remote)}, branch: ${input.branch}, pollInterval: ${input.pollInterval ?? '1s'} }
dataDir: ${JSON.stringify(input.dataDir)}
log: { level: ${input.logLevel ?? 'info'}, format: json }
targets:
  local: { type: kubernetes, kubeconfig: ${JSON.stringify(input.kubeconfig)} }
deployer: { listen: 127.0.0.1:${input.ports.deployer}${input.election === undefined ? '' : `, shards: ${input.election.shards}`} }
transitioner: { listen: 127.0.0.1:${input.ports.transitioner}, deployer: ${url('deployer')} }
aggregator:
  listen: 127.0.0.1:${input.ports.aggregator}
  deployer: ${url('deployer')}
  transitioner: ${url('transitioner')}
  anonymousRead: ${input.anonymousRead ?? false}
  publicConfig: ${JSON.stringify(input.publicConfig ?? [])}
  tokens:
    - { name: github-ci, role: ci, sha256: "${hashToken(input.tokens.ci)}" }
    - { name: alice, role: operator, sha256: "${hashToken(input.tokens.operator)}" }
    - { name: dashboard, role: viewer, sha256: "${hashToken(input.tokens.viewer)}" }
    - { name: root, role: admin, sha256: "${hashToken(input.tokens.admin)}" }
${input.ageIdentityFile === undefined ? '' : `secrets: { ageIdentityFile: ${JSON.stringify(input.ageIdentityFile)} }\n`}${input.election === undefined ? '' : `election: { namespace: ${input.leaseNamespace}, kubeconfig: ${JSON.stringify(input.kubeconfig)}, leaseDuration: ${input.election.leaseDuration}, renewDeadline: ${input.election.renewDeadline}, retryPeriod: ${input.election.retryPeriod} }\n`}`;
}

/** The value of the first trailer `key` of a commit, if any. */
export function trailer(commit: BranchCommit, key: string): string | undefined {
  return commit.trailers.find(([k]) => k === key)?.[1];
}
