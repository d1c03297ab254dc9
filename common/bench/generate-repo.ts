// Generates a realistic resource repo for benchmarks with `git fast-import`: resources × environments, plus any amount of history.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Shape of the generated repo. */
export interface BenchRepoOptions {
  /** Resources per environment; each has `base/<team>/<svc>.yaml` and `version/<team>/<svc>.yaml`. */
  resources: number;
  /** Environment names, or how many (`latest`, `dev`, `pp`, `prod`, then `env4`, …). */
  envs: number | string[];
  /** Commits after the initial one, each promoting one version; default 0. */
  historyCommits?: number;
  /** Branch to create; default `main`. */
  branch?: string;
  /**
   * Repack with fresh deltas, as a maintained remote stores its objects; default true. fast-import
   * deltas each version against the previous one, so without this the newest blobs sit at the end of
   * long delta chains, which no real remote does.
   */
  repack?: boolean;
  /**
   * What each resource deploys: `deployment` (default) a Deployment with 2 replicas; `app` a Deployment with
   * 1 replica, a Service and a ConfigMap in one base file, as a typical small service ships.
   */
  shape?: BenchResourceShape;
  /** transitions.yaml; default each environment promoted from the one before it, without preconditions. */
  transitions?: string;
  /** The namespace each environment deploys to; default the environment's name. */
  namespace?: (env: string) => string;
  /**
   * Replicas of each Deployment, or per resource (by its index in `resources`); default 2 for `deployment`, 1 for
   * `app` (0 leaves the cluster without pods to start).
   */
  replicas?: number | ((index: number) => number);
  /**
   * `app` Services without a cluster IP (`clusterIP: None`). Allocating cluster IPs is serialised in the API server at a
   * cost that grows with the Services already allocated, which makes a 10,000 × 4 first convergence take hours whoever applies.
   */
  headlessServices?: boolean;
}

/** What each generated resource deploys (see BenchRepoOptions.shape). */
export type BenchResourceShape = 'deployment' | 'app';

/** A generated bare repository. */
export interface BenchRepo {
  /** Path of the bare repository (use it as the remote URL). */
  remote: string;
  branch: string;
  head: string;
  /** Number of files in the head commit. */
  fileCount: number;
  envs: string[];
  /** Resource names (`team-3/svc-17`). */
  resources: string[];
  /** Removes the repository. */
  cleanup(): void;
}

const DEFAULT_ENVS = ['latest', 'dev', 'pp', 'prod'];

/** Builds the repo in a temp dir: one commit with every file, then `historyCommits` small version bumps. */
export function generateBenchRepo(options: BenchRepoOptions): BenchRepo {
  const envs = typeof options.envs === 'number' ? Array.from({ length: options.envs }, (_, i) => DEFAULT_ENVS[i] ?? `env${i}`) : options.envs;
  const branch = options.branch ?? 'main';
  const shape = options.shape ?? 'deployment';
  const namespace = options.namespace ?? ((env: string) => env);
  const replicasOption = options.replicas ?? defaultReplicas(shape);
  const replicas = typeof replicasOption === 'number' ? () => replicasOption : replicasOption;
  const resources = Array.from({ length: options.resources }, (_, i) => `team-${Math.floor(i / 25)}/svc-${i % 25}`);
  const dir = mkdtempSync(join(tmpdir(), 'cascade-bench-repo-'));
  const remote = join(dir, 'remote.git');
  git(dir, ['init', '--bare', '--quiet', `--initial-branch=${branch}`, remote]);
  const stream: string[] = [];
  const ref = `refs/heads/${branch}`;
  const file = (path: string, content: string) => stream.push(`M 100644 inline ${path}\ndata ${Buffer.byteLength(content)}\n${content}\n`);
  const commit = (index: number, message: string) => {
    const time = 1_700_000_000 + index * 60;
    stream.push(`commit ${ref}\ncommitter Bench <bench@cascade.test> ${time} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`);
  };
  commit(0, 'Initial resource repo\n');
  file('deployers.yaml', `deployers:\n${envs.map((env) => `  ${env}: { target: local, namespace: ${namespace(env)} }\n`).join('')}`);
  file('transitions.yaml', options.transitions ?? `transitions:\n${envs.slice(1).map((env, i) => `  ${env}: { source: ${envs[i]}, target: ${env} }\n`).join('')}`);
  for (const env of envs) {
    file(`${env}/locks.yaml`, 'env_lock: { reasons: [] }\nresource_locks: {}\n');
    resources.forEach((name, index) => {
      file(`${env}/base/${name}.yaml`, baseManifest(name, shape, options.headlessServices === true));
      file(`${env}/version/${name}.yaml`, benchVersionFile(name, 0, replicas(index)));
    });
  }
  stream.push('\n');
  for (let index = 1; index <= (options.historyCommits ?? 0); index++) {
    const name = resources[index % resources.length] ?? '';
    const env = envs[index % envs.length] ?? '';
    commit(index, `Promote ${name} in ${env}\n\nCascade-Type: Version\nCascade-Resource: ${name}\nCascade-Env: ${env}\n`);
    file(`${env}/version/${name}.yaml`, benchVersionFile(name, index, replicas(index % resources.length)));
    stream.push('\n');
  }
  stream.push('done\n');
  git(remote, ['fast-import', '--quiet', '--done', '--date-format=raw'], stream.join(''));
  if (options.repack !== false && (options.historyCommits ?? 0) > 0) git(remote, ['repack', '-a', '-d', '-f', '-q']);
  const head = git(remote, ['rev-parse', ref]).trim();
  const fileCount = 2 + envs.length * (1 + 2 * resources.length);
  return { remote, branch, head, fileCount, envs, resources, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The manifests of a generated resource at the repo's first commit with its placeholders filled, as the deployer renders them. */
export function renderBenchResource(name: string, shape: BenchResourceShape = 'deployment', headlessServices = false): string {
  const values = Object.fromEntries(benchVersionFile(name, 0, defaultReplicas(shape)).trim().split('\n').map((line) => line.split(': ') as [string, string]));
  const unquote = (value: string) => value.replace(/^"(.*)"$/, '$1');
  return baseManifest(name, shape, headlessServices).replace(/\$\{(\w+)\}|\$version/g, (_, key: string | undefined) => unquote(values[key ?? 'version'] ?? ''));
}

function baseManifest(name: string, shape: BenchResourceShape, headlessService: boolean): string {
  const app = name.replace('/', '-');
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  labels: { app: ${app} }
spec:
  replicas: \${replicas}
  selector: { matchLabels: { app: ${app} } }
  template:
    metadata: { labels: { app: ${app} } }
    spec:
      containers:
        - name: ${app}
          image: \${image}
          env:
            - { name: VERSION, value: $version }
          resources: { requests: { cpu: 10m, memory: 32Mi } }
`;
  if (shape === 'deployment') return deployment;
  return `${deployment}---
apiVersion: v1
kind: Service
metadata: { name: ${app}, labels: { app: ${app} } }
spec:
  selector: { app: ${app} }${headlessService ? '\n  clusterIP: None' : ''}
  ports: [{ port: 80, targetPort: 8080 }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ${app}, labels: { app: ${app} } }
data: { VERSION: $version, LOG_LEVEL: info, UPSTREAM: "http://${app}.internal:8080" }
`;
}

/** A generated resource's version file at `revision`: version 1.<revision / 100>.<revision % 100> and its image. */
export function benchVersionFile(name: string, revision: number, replicas: number): string {
  return `version: "1.${Math.floor(revision / 100)}.${revision % 100}"\nimage: registry.example.com/${name}:1.${revision}\nreplicas: ${replicas}\n`;
}

function defaultReplicas(shape: BenchResourceShape): number {
  return shape === 'app' ? 1 : 2;
}

function git(cwd: string, args: string[], input?: string): string {
  const result = spawnSync('git', args, { cwd, input, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}
