// The upstream components of the local control plane: which Go module builds them, at which version, with which flags.
import { join } from 'node:path';

/** Kubernetes release built for kube-apiserver, kube-controller-manager, kube-scheduler and kubectl. */
export const KUBERNETES_VERSION = 'v1.36.3';
/** etcd release (3.6 line); Kubernetes 1.36 itself is tested against etcd 3.6. */
export const ETCD_VERSION = 'v3.6.16';
/** kwok release; v0.8.0 is built against the Kubernetes 1.36 client libraries. */
export const KWOK_VERSION = 'v0.8.0';

/** One binary produced by a component build. */
export interface BinarySpec {
  /** File name in the cache directory. */
  name: string;
  /** Go package path of its `main` package. */
  goPackage: string;
}

/** A group of binaries built together from one Go module (under scripts/cluster/go or scripts/tools/go). */
export interface ComponentSpec {
  /** Short name used in progress output and error messages. */
  name: string;
  /** Directory (under its set's modules directory) holding the go.mod that pins the upstream module. */
  moduleDir: string;
  /** Cache key: the directory under the binary cache, changes whenever the version changes. */
  cacheKey: string;
  binaries: BinarySpec[];
  /** `-ldflags` value, so the binaries report their real release version. */
  ldflags: string;
}

// Release date of Kubernetes v1.36.3 on the module proxy, used as a reproducible build date.
const KUBERNETES_BUILD_DATE = '2026-07-22T18:07:38Z';

/** Version-stamping flags that `make` in kubernetes/kubernetes would set (hack/lib/version.sh). */
function kubernetesLdflags(): string {
  const [major, minor] = KUBERNETES_VERSION.replace(/^v/, '').split('.');
  const stamps = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=${KUBERNETES_BUILD_DATE}`,
  ]);
  return ['-s', '-w', ...stamps].join(' ');
}

/** Every component the local cluster needs, in build order (largest first, so its progress shows first). */
export const COMPONENTS: ComponentSpec[] = [
  {
    name: 'kubernetes',
    moduleDir: 'kube',
    cacheKey: `kubernetes-${KUBERNETES_VERSION}`,
    binaries: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'].map((name) => ({
      name,
      goPackage: `k8s.io/kubernetes/cmd/${name}`,
    })),
    ldflags: kubernetesLdflags(),
  },
  {
    name: 'etcd',
    moduleDir: 'etcd',
    cacheKey: `etcd-${ETCD_VERSION}`,
    // The etcd server module's root package is the `etcd` main package.
    binaries: [{ name: 'etcd', goPackage: 'go.etcd.io/etcd/server/v3' }],
    // etcd's version is a constant in go.etcd.io/etcd/api/v3/version; only the commit is stamped at build time.
    ldflags: `-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=${ETCD_VERSION}`,
  },
  {
    name: 'kwok',
    moduleDir: 'kwok',
    cacheKey: `kwok-${KWOK_VERSION}`,
    binaries: [{ name: 'kwok', goPackage: 'sigs.k8s.io/kwok/cmd/kwok' }],
    ldflags: `-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION.replace(/^v/, '')}`,
  },
];

/** kwok stage files (paths inside the kwok module) that make fake nodes Ready and pods Running, as `kwokctl` does. */
export const KWOK_STAGE_FILES = [
  'kustomize/stage/node/fast/node-initialize.yaml',
  'kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'kustomize/stage/pod/fast/pod-ready.yaml',
  'kustomize/stage/pod/fast/pod-complete.yaml',
  'kustomize/stage/pod/fast/pod-delete.yaml',
];

/** File name, inside the kwok cache directory, of the stages copied from the kwok module at build time. */
export const KWOK_STAGES_FILE = 'stages.yaml';

/** Absolute path of one binary in the cache. */
export function binaryPath(binCacheDir: string, component: ComponentSpec, binary: string): string {
  return join(binCacheDir, component.cacheKey, binary);
}
