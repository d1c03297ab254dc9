// Command lines of the control-plane components: pure functions of the run directory layout and the chosen ports.
import { join } from 'node:path';

/** Loopback ports picked for one cluster start. */
export interface ClusterPorts {
  etcd: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/** File layout of the run directory. */
export interface RunLayout {
  etcdData: string;
  /** API server --cert-dir: it writes its self-signed serving certificate (apiserver.crt, CA included) here. */
  certDir: string;
  servingCert: string;
  tokenFile: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
  logsDir: string;
  flexVolumeDir: string;
  /** Kubeconfig path for an identity name ('admin', 'controller-manager', ...). */
  kubeconfig: (identity: string) => string;
}

/** Where everything lives inside `runDir`; the admin kubeconfig path is stable across restarts. */
export function runLayout(runDir: string): RunLayout {
  const certDir = join(runDir, 'pki');
  return {
    etcdData: join(runDir, 'etcd-data'),
    certDir,
    servingCert: join(certDir, 'apiserver.crt'),
    tokenFile: join(certDir, 'tokens.csv'),
    serviceAccountKey: join(certDir, 'service-account.key'),
    serviceAccountPublicKey: join(certDir, 'service-account.pub'),
    logsDir: join(runDir, 'logs'),
    flexVolumeDir: join(runDir, 'flexvolume'),
    kubeconfig: (identity) => join(runDir, identity === 'admin' ? 'kubeconfig' : `${identity}.kubeconfig`),
  };
}

/** Annotation kwok selects the nodes it manages by; nodes without it are left to real kubelets. */
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const KWOK_NODE_ANNOTATION_VALUE = 'fake';

/** etcd: a single member on loopback; fsync is off because the data is thrown away at `cluster:down`. */
export function etcdArgs(layout: RunLayout, ports: ClusterPorts): string[] {
  const client = `http://127.0.0.1:${ports.etcd}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name=cascade',
    `--data-dir=${layout.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=cascade=${peer}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

/** kube-apiserver: RBAC authorization, static-token authentication, self-signed serving certificate. */
export function apiServerArgs(layout: RunLayout, ports: ClusterPorts): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiServer}`,
    `--cert-dir=${layout.certDir}`,
    `--token-auth-file=${layout.tokenFile}`,
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${layout.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${layout.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    // The default reconciler would publish 127.0.0.1 as the `kubernetes` Service endpoint, which validation rejects.
    '--endpoint-reconciler-type=none',
    '--profiling=false',
    // Old revisions are compacted within a minute instead of five, so a watch resumed from a long-gone
    // resourceVersion gets 410 Gone on a young cluster too, as it would on any long-running one.
    '--etcd-compaction-interval=30s',
  ];
}

/** Flags the controller manager and the scheduler share: own kubeconfig, loopback health port. */
function componentArgs(kubeconfig: string, port: number, qps?: number): string[] {
  // No delegated authentication: it needs the client-CA ConfigMap, which token-only auth never creates;
  // /healthz stays reachable because it is on the components' always-allowed paths.
  return [
    `--kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    '--leader-elect=false',
    '--profiling=false',
    // Lifted only on request (a benchmark rolling out tens of thousands of pods): throttled as in real clusters otherwise.
    ...(qps === undefined ? [] : [`--kube-api-qps=${qps}`, `--kube-api-burst=${Math.ceil(qps * 1.5)}`]),
  ];
}

/** kube-controller-manager: each controller uses its own service account, as in a kubeadm cluster. */
export function controllerManagerArgs(layout: RunLayout, ports: ClusterPorts, qps?: number): string[] {
  return [
    ...componentArgs(layout.kubeconfig('controller-manager'), ports.controllerManager, qps),
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${layout.serviceAccountKey}`,
    `--root-ca-file=${layout.servingCert}`,
    '--cluster-name=cascade',
    // Otherwise it creates /usr/libexec/kubernetes/kubelet-plugins/volume/exec on the host.
    `--flex-volume-plugin-dir=${layout.flexVolumeDir}`,
  ];
}

/** kube-scheduler with default profiles. */
export function schedulerArgs(layout: RunLayout, ports: ClusterPorts, qps?: number): string[] {
  return componentArgs(layout.kubeconfig('scheduler'), ports.scheduler, qps);
}

/** kwok: manages only the annotated fake nodes and plays kubelet for the pods bound to them. */
export function kwokArgs(layout: RunLayout, ports: ClusterPorts, stagesFile: string): string[] {
  return [
    `--kubeconfig=${layout.kubeconfig('kwok')}`,
    `--config=${stagesFile}`,
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=${KWOK_NODE_ANNOTATION_VALUE}`,
    '--cidr=10.244.0.1/16',
    '--node-ip=127.0.0.1',
    `--node-port=${ports.kwok}`,
    `--server-address=127.0.0.1:${ports.kwok}`,
    '--node-lease-duration-seconds=40',
  ];
}

/** A fake Node kwok will manage: generous capacity so scheduling never fails for lack of resources. */
export function fakeNode(name: string): Record<string, unknown> {
  const capacity = { cpu: '32', memory: '256Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: KWOK_NODE_ANNOTATION_VALUE, 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
    status: { allocatable: capacity, capacity },
  };
}
