// The three Cascade services as separate processes on a given remote, configured as `cascade up` would be, with
// their pids for sampling and their /metrics and logs for the step breakdown; or all three in one `cascade up`.
import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateToken, hashToken } from '@cascade/common/service';
import { freePort, ServiceProcess, type ServiceName } from '../e2e/harness.ts';
import { environmentOf, parseDockerfile } from '../helm/dockerfile.ts';
import { waitUntil } from '../setup/wait.ts';
import { childPid } from './process-sample.ts';

/** The services in the order they start. */
export const SERVICES: readonly ServiceName[] = ['deployer', 'transitioner', 'aggregator'];

/** Options of startScaleStack. */
export interface ScaleStackOptions {
  remote: string;
  branch: string;
  kubeconfig: string;
  /** Where configs, data dirs and logs go. */
  dir: string;
  /** `repo.pollInterval`. */
  pollInterval: string;
  /** How long a service may take to answer /readyz; the deployer is ready only after its first full pass. */
  readyTimeoutMs: number;
  /** Where each service writes a V8 CPU profile when it stops (`node --cpu-prof`); none when absent. */
  cpuProfileDir?: string;
  /** Where each service writes a V8 heap snapshot when asked (`writeHeapSnapshots`); none when absent. */
  heapSnapshotDir?: string;
  /** Whether each service gets the run image's environment (the Dockerfile's ENV, its allocator setting among it). */
  imageEnvironment: boolean;
  /** More node options of each service (V8 flags, to compare memory settings); none when absent. */
  extraNodeArgs?: readonly string[];
}

/** What measurements ask of a running installation: where each service answers, the tokens, each service's /metrics. */
export interface StackEndpoints {
  urls: Record<ServiceName, string>;
  tokens: { ci: string; viewer: string };
  /** One service's /metrics text. */
  metrics(name: ServiceName): Promise<string>;
}

/** Three running services. */
export interface ScaleStack extends StackEndpoints {
  services: Record<ServiceName, ServiceProcess>;
  pids: Record<ServiceName, number>;
  /** Resolves once all three answer /readyz. */
  ready: Promise<void>;
  /** Has each service write a heap snapshot into `heapSnapshotDir` (after a full collection); resolves with the files once all are written. */
  writeHeapSnapshots(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Writes one config per service and starts all three at once; `ready` settles when each answers /readyz. */
export async function startScaleStack(options: ScaleStackOptions): Promise<ScaleStack> {
  const tokens = { ci: generateToken(), viewer: generateToken() };
  const ports = { deployer: await freePort(), transitioner: await freePort(), aggregator: await freePort() };
  const services = {} as Record<ServiceName, ServiceProcess>;
  for (const name of SERVICES) {
    const configFile = join(options.dir, `${name}.cascade.yaml`);
    await mkdir(join(options.dir, name), { recursive: true });
    await writeFile(configFile, serviceConfig(options, join(options.dir, name), ports, tokens));
    services[name] = new ServiceProcess(name, configFile, ports[name], join(options.dir, `${name}.log`), options.imageEnvironment ? runImageEnvironment() : {}, nodeArgs(options));
  }
  const ready = Promise.all(SERVICES.map((name) => services[name].start(options.readyTimeoutMs))).then(() => undefined);
  // Keep a failed start from surfacing as an unhandled rejection before the caller awaits it.
  ready.catch(() => {});
  // ServiceProcess spawns at once and only then waits; a moment later each child has exec'd and shows its config path.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const pids = Object.fromEntries(SERVICES.map((name) => [name, childPid(process.pid, services[name].configFile)])) as Record<ServiceName, number>;
  const urls = Object.fromEntries(SERVICES.map((name) => [name, services[name].url])) as Record<ServiceName, string>;
  return {
    services,
    pids,
    urls,
    tokens,
    ready,
    metrics: (name) => metricsAt(urls[name]),
    async writeHeapSnapshots() {
      const dir = heapSnapshotDirOf(options);
      const files: string[] = [];
      for (const name of SERVICES) files.push(await heapSnapshotOf(services[name], pids[name], dir));
      return files;
    },
    async stop() {
      // SIGTERM first: a service writes its CPU profile only when it exits by itself.
      await Promise.all(SERVICES.map((name) => services[name].stop().catch(() => {})));
      await Promise.all(SERVICES.map((name) => services[name].close().catch(() => {})));
    },
  };
}

/** The three services in one `cascade up` process, as a small installation runs them. */
export interface OneProcessStack extends StackEndpoints {
  pid: number;
  /** Has the process write a heap snapshot into `heapSnapshotDir` (after a full collection); resolves with its file once written. */
  writeHeapSnapshot(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `cascade up` with one config (the same as startScaleStack's, one data dir) and resolves once all three
 * services answer /readyz, the deployer's first full pass done.
 */
export async function startOneProcessStack(options: ScaleStackOptions): Promise<OneProcessStack> {
  const tokens = { ci: generateToken(), viewer: generateToken() };
  const ports = { deployer: await freePort(), transitioner: await freePort(), aggregator: await freePort() };
  const configFile = join(options.dir, 'up.cascade.yaml');
  await mkdir(join(options.dir, 'up'), { recursive: true });
  await writeFile(configFile, serviceConfig(options, join(options.dir, 'up'), ports, tokens));
  const up = new ServiceProcess('up', configFile, ports.deployer, join(options.dir, 'up.log'), options.imageEnvironment ? runImageEnvironment() : {}, nodeArgs(options));
  const urls = Object.fromEntries(SERVICES.map((name) => [name, `http://127.0.0.1:${ports[name]}`])) as Record<ServiceName, string>;
  const stop = async () => {
    await up.stop().catch(() => {});
    await up.close().catch(() => {});
  };
  try {
    await up.start(options.readyTimeoutMs);
    for (const name of SERVICES) {
      await waitUntil(`${name} /readyz in cascade up`, async () => (await fetch(`${urls[name]}/readyz`, { signal: AbortSignal.timeout(2000) })).ok || undefined, { timeoutMs: options.readyTimeoutMs, intervalMs: 250 });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = childPid(process.pid, configFile);
  const writeHeapSnapshot = () => heapSnapshotOf(up, pid, heapSnapshotDirOf(options));
  return { pid, urls, tokens, metrics: (name) => metricsAt(urls[name]), writeHeapSnapshot, stop };
}

/** A service's /metrics text. */
async function metricsAt(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(30_000) });
  return response.text();
}

/** The variables the run image sets (its last stage's ENV), so the services allocate memory as they do in a pod. */
export function runImageEnvironment(): Record<string, string> {
  const stages = parseDockerfile(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'));
  return environmentOf(stages.at(-1)!);
}

/** The node options of each service: a CPU profile into its folder at exit, a heap snapshot into its folder on SIGUSR2. */
function nodeArgs(options: ScaleStackOptions): string[] {
  const profile = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  const heap = options.heapSnapshotDir === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${options.heapSnapshotDir}`];
  return [...profile, ...heap, ...(options.extraNodeArgs ?? [])];
}

/** The folder heap snapshots go to; a stack started without one cannot write any. */
function heapSnapshotDirOf(options: ScaleStackOptions): string {
  if (options.heapSnapshotDir === undefined) throw new Error('the stack was started without heapSnapshotDir');
  return options.heapSnapshotDir;
}

/**
 * Signals one service to write a heap snapshot and resolves with its file once written. Node writes it on the main
 * thread, so the first answer the service gives after the file appeared comes after the last byte.
 */
async function heapSnapshotOf(service: ServiceProcess, pid: number, dir: string): Promise<string> {
  const before = new Set(await readdir(dir));
  process.kill(pid, 'SIGUSR2');
  const file = await waitUntil(`${service.name}'s heap snapshot`, async () => (await readdir(dir)).find((file) => !before.has(file) && file.includes(`.${pid}.`) && file.endsWith('.heapsnapshot')), { timeoutMs: 600_000, intervalMs: 200 });
  // Any answer will do; a request refused or timed out while the snapshot is being written is asked again.
  await waitUntil(`${service.name} answering after its heap snapshot`, async () => (await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status > 0 || undefined, { timeoutMs: 600_000, intervalMs: 500 });
  return join(dir, file);
}

/** The installation's cascade.yaml as each service reads it: the same for all three but the data dir. */
function serviceConfig(options: ScaleStackOptions, dataDir: string, ports: Record<ServiceName, number>, tokens: { ci: string; viewer: string }): string {
  const url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
  return `repo: { url: ${JSON.stringify(options.remote)}, branch: ${options.branch}, pollInterval: ${options.pollInterval} }
dataDir: ${JSON.stringify(dataDir)}
log: { level: info, format: json }
targets:
  local: { type: kubernetes, kubeconfig: ${JSON.stringify(options.kubeconfig)} }
deployer: { listen: 127.0.0.1:${ports.deployer} }
transitioner: { listen: 127.0.0.1:${ports.transitioner}, deployer: ${url('deployer')} }
aggregator:
  listen: 127.0.0.1:${ports.aggregator}
  deployer: ${url('deployer')}
  transitioner: ${url('transitioner')}
  tokens:
    - { name: github-ci, role: ci, sha256: "${hashToken(tokens.ci)}" }
    - { name: dashboard, role: viewer, sha256: "${hashToken(tokens.viewer)}" }
`;
}
