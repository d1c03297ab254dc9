// Starts, reuses and stops the local control plane: etcd, kube-apiserver, controller manager, scheduler and kwok.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  apiServerArgs,
  controllerManagerArgs,
  etcdArgs,
  fakeNode,
  kwokArgs,
  runLayout,
  schedulerArgs,
} from './component-args.ts';
import type { ClusterPorts, RunLayout } from './component-args.ts';
import { COMPONENTS, ETCD_VERSION, KUBERNETES_VERSION, KWOK_STAGES_FILE, KWOK_VERSION, binaryPath } from './components.ts';
import { createIdentities, renderKubeconfig, writeServiceAccountKeys, writeTokenFile } from './credentials.ts';
import type { TokenIdentity } from './credentials.ts';
import { ClusterError } from './errors.ts';
import { ensureComponentsBuilt, formatDuration } from './go-build.ts';
import type { Log } from './go-build.ts';
import { probe } from './http-probe.ts';
import { freePorts } from './ports.ts';
import { isOurProcessAlive, sleep, startProcess, stopProcesses } from './processes.ts';
import type { ProcessRecord } from './processes.ts';
import { readState, removeState, withRunDirLock, writeState } from './state.ts';
import type { ClusterState } from './state.ts';

/** Where the cluster's binaries and runtime files live, and where progress goes. */
export interface ClusterOptions {
  binDir: string;
  runDir: string;
  log: Log;
  /** Number of kwok fake nodes (default 1). */
  nodeCount?: number;
  /** Requests a second the controller manager and the scheduler may send; client-go's default (20) when absent. */
  controllerQps?: number;
}

/** A ready cluster; `reused` is true when it was already running before this call. */
export interface StartedCluster {
  kubeconfig: string;
  reused: boolean;
  state: ClusterState;
}

const READY_TIMEOUT_MS = 90_000;

/** Starts the cluster, or returns the one recorded in the run directory if it is still healthy. */
export function startCluster(options: ClusterOptions): Promise<StartedCluster> {
  return withRunDirLock(options.runDir, async () => {
    const existing = readState(options.runDir);
    if (existing) {
      const current = JSON.stringify(existing.versions) === JSON.stringify(componentVersions());
      if (current && (await isClusterHealthy(existing))) return { kubeconfig: existing.kubeconfig, reused: true, state: existing };
      options.log(`the recorded cluster is ${current ? 'not healthy' : 'of other component versions'}; stopping it and starting afresh`);
      await stopProcesses(existing.processes);
      removeState(options.runDir);
    }
    await ensureComponentsBuilt(options.binDir, options.log);
    const state = await launch(options);
    return { kubeconfig: state.kubeconfig, reused: false, state };
  });
}

/** Stops every process recorded in the state file and removes the runtime files; true if a cluster was running. */
export function stopCluster(options: Pick<ClusterOptions, 'runDir' | 'log'>): Promise<boolean> {
  return withRunDirLock(options.runDir, async () => {
    const state = readState(options.runDir);
    if (!state) return false;
    const killed = await stopProcesses(state.processes);
    if (killed.length > 0) options.log(`had to SIGKILL: ${killed.join(', ')}`);
    removeState(options.runDir);
    cleanRunDir(options.runDir);
    return true;
  });
}

/** True when every recorded process still runs and the API server answers /readyz. */
async function isClusterHealthy(state: ClusterState): Promise<boolean> {
  if (!state.processes.every(isOurProcessAlive)) return false;
  const response = await probe(`${state.apiServerUrl}/readyz`);
  return response?.status === 200;
}

/** Versions recorded in the state file, so a cluster of older binaries is not reused after an upgrade. */
function componentVersions(): Record<string, string> {
  return { kubernetes: KUBERNETES_VERSION, etcd: ETCD_VERSION, kwok: KWOK_VERSION };
}

/** Removes everything of a previous start except the lock, so each start begins with an empty etcd. */
function cleanRunDir(runDir: string): void {
  const layout = runLayout(runDir);
  for (const path of [layout.etcdData, layout.certDir, layout.logsDir, layout.flexVolumeDir]) rmSync(path, { recursive: true, force: true });
  for (const name of ['admin', 'controller-manager', 'scheduler', 'kwok']) rmSync(layout.kubeconfig(name), { force: true });
}

/** Starts the components in dependency order; on any failure stops what it started and rethrows. */
async function launch(options: ClusterOptions): Promise<ClusterState> {
  const started = Date.now();
  const { runDir, log } = options;
  cleanRunDir(runDir);
  const layout = runLayout(runDir);
  for (const dir of [layout.certDir, layout.logsDir]) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const [etcd, etcdPeer, apiServer, controllerManager, scheduler, kwok] = await freePorts(6);
  const ports: ClusterPorts = { etcd: etcd!, etcdPeer: etcdPeer!, apiServer: apiServer!, controllerManager: controllerManager!, scheduler: scheduler!, kwok: kwok! };
  const identities = createIdentities();
  writeTokenFile(layout.tokenFile, identities);
  writeServiceAccountKeys(layout.serviceAccountKey, layout.serviceAccountPublicKey);

  const state: ClusterState = {
    kubeconfig: layout.kubeconfig('admin'),
    apiServerUrl: `https://127.0.0.1:${ports.apiServer}`,
    ports: { ...ports },
    processes: [],
    versions: componentVersions(),
    startedAt: new Date().toISOString(),
  };
  // The state is written after every process start so `cluster:down` can clean up even after a failed start.
  const start = (name: string, binary: string, args: string[]): ProcessRecord => {
    const record = startProcess(name, binaryFor(options.binDir, binary), args, join(layout.logsDir, `${name}.log`));
    state.processes.push(record);
    writeState(runDir, state);
    return record;
  };

  try {
    log(`starting etcd on 127.0.0.1:${ports.etcd}`);
    const etcdProcess = start('etcd', 'etcd', etcdArgs(layout, ports));
    await waitFor(etcdProcess, async () => (await probe(`http://127.0.0.1:${ports.etcd}/health`))?.status === 200);

    log(`starting kube-apiserver on 127.0.0.1:${ports.apiServer}`);
    const apiProcess = start('kube-apiserver', 'kube-apiserver', apiServerArgs(layout, ports));
    await waitFor(apiProcess, async () => existsSync(layout.servingCert));
    const ca = readFileSync(layout.servingCert, 'utf8');
    await waitFor(apiProcess, async () => (await probe(`${state.apiServerUrl}/readyz`, { ca }))?.status === 200);
    for (const identity of identities) writeKubeconfig(layout, state.apiServerUrl, ca, identity);
    const admin = identities.find((i) => i.name === 'admin')!;

    log('starting kube-controller-manager, kube-scheduler and kwok');
    const components = [
      start('kube-controller-manager', 'kube-controller-manager', controllerManagerArgs(layout, ports, options.controllerQps)),
      start('kube-scheduler', 'kube-scheduler', schedulerArgs(layout, ports, options.controllerQps)),
      start('kwok', 'kwok', kwokArgs(layout, ports, binaryFor(options.binDir, KWOK_STAGES_FILE))),
    ];
    const nodeNames = Array.from({ length: options.nodeCount ?? 1 }, (_, i) => `kwok-node-${i}`);
    for (const name of nodeNames) await createNode(state.apiServerUrl, ca, admin.token, name);

    const healthUrls = [
      `https://127.0.0.1:${ports.controllerManager}/healthz`,
      `https://127.0.0.1:${ports.scheduler}/healthz`,
      `http://127.0.0.1:${ports.kwok}/healthz`,
    ];
    await Promise.all(components.map((p, i) => waitFor(p, async () => (await probe(healthUrls[i]!))?.status === 200)));
    await waitFor(apiProcess, async () => {
      const ready = await Promise.all(nodeNames.map((name) => isNodeReady(state.apiServerUrl, ca, admin.token, name)));
      return ready.every(Boolean);
    }, `node ${nodeNames.join(', ')} Ready (see ${join(layout.logsDir, 'kwok.log')})`);
    log(`cluster ready in ${formatDuration(Date.now() - started)}`);
    return state;
  } catch (error) {
    await stopProcesses(state.processes);
    removeState(runDir);
    throw error;
  }
}

/** Absolute path of a cached binary (or kwok's stages file) by file name. */
function binaryFor(binDir: string, file: string): string {
  const component = COMPONENTS.find((c) => c.binaries.some((b) => b.name === file)) ?? COMPONENTS.find((c) => c.name === 'kwok')!;
  const path = binaryPath(binDir, component, file);
  if (!existsSync(path)) throw new ClusterError('BINARY_MISSING', `${path} is missing; run \`npm run cluster:build\``);
  return path;
}

/** Writes the kubeconfig of one identity, readable only by the current user because it holds a token. */
function writeKubeconfig(layout: RunLayout, server: string, ca: string, identity: TokenIdentity): void {
  writeFileSync(layout.kubeconfig(identity.name), renderKubeconfig(server, ca, identity), { mode: 0o600 });
}

/** Creates a kwok-managed fake node. */
async function createNode(server: string, ca: string, token: string, name: string): Promise<void> {
  const response = await probe(`${server}/api/v1/nodes`, { ca, token, method: 'POST', body: fakeNode(name) });
  if (response?.status !== 201) {
    throw new ClusterError('START_FAILED', `creating node ${name} failed: HTTP ${response?.status ?? 'unreachable'} ${response?.body ?? ''}`);
  }
}

/** True when the node's Ready condition is True. */
async function isNodeReady(server: string, ca: string, token: string, name: string): Promise<boolean> {
  const response = await probe(`${server}/api/v1/nodes/${name}`, { ca, token });
  if (response?.status !== 200) return false;
  const node = JSON.parse(response.body) as { status?: { conditions?: { type: string; status: string }[] } };
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Polls `check` until true; fails early with the log tail if `proc` exits, or after READY_TIMEOUT_MS. */
async function waitFor(proc: ProcessRecord, check: () => Promise<boolean>, what = `${proc.name} healthy`): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    if (!isOurProcessAlive(proc)) {
      throw new ClusterError('START_FAILED', `${proc.name} exited during start-up; last log lines of ${proc.logFile}:\n${logTail(proc.logFile)}`);
    }
    await sleep(200);
  }
  throw new ClusterError('NOT_READY', `timed out after ${READY_TIMEOUT_MS / 1000}s waiting for ${what}; last log lines of ${proc.logFile}:\n${logTail(proc.logFile)}`);
}

/** Last lines of a component log, for error messages. */
function logTail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
