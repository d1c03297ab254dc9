// The three Cascade services as separate processes on a given remote, configured as `cascade up` would be, with
// their pids for sampling and their /metrics and logs for the step breakdown.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateToken, hashToken } from '@cascade/common/service';
import { freePort, ServiceProcess, type ServiceName } from '../e2e/harness.ts';
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
}

/** Three running services. */
export interface ScaleStack {
  services: Record<ServiceName, ServiceProcess>;
  pids: Record<ServiceName, number>;
  tokens: { ci: string; viewer: string };
  /** Resolves once all three answer /readyz. */
  ready: Promise<void>;
  /** One service's /metrics text. */
  metrics(name: ServiceName): Promise<string>;
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
    services[name] = new ServiceProcess(name, configFile, ports[name], join(options.dir, `${name}.log`), {}, profileArgs(options.cpuProfileDir));
  }
  const ready = Promise.all(SERVICES.map((name) => services[name].start(options.readyTimeoutMs))).then(() => undefined);
  // Keep a failed start from surfacing as an unhandled rejection before the caller awaits it.
  ready.catch(() => {});
  // ServiceProcess spawns at once and only then waits; a moment later each child has exec'd and shows its config path.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const pids = Object.fromEntries(SERVICES.map((name) => [name, childPid(process.pid, services[name].configFile)])) as Record<ServiceName, number>;
  return {
    services,
    pids,
    tokens,
    ready,
    async metrics(name) {
      const response = await fetch(`${services[name].url}/metrics`, { signal: AbortSignal.timeout(30_000) });
      return response.text();
    },
    async stop() {
      // SIGTERM first: a service writes its CPU profile only when it exits by itself.
      await Promise.all(SERVICES.map((name) => services[name].stop().catch(() => {})));
      await Promise.all(SERVICES.map((name) => services[name].close().catch(() => {})));
    },
  };
}

/** The node options that make a service write a CPU profile into `dir` at exit. */
function profileArgs(dir: string | undefined): string[] {
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
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
