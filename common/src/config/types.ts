// The typed, validated shape of `cascade.yaml`; every service reads its own section of it.
import type { Role } from '../service/auth/roles.ts';
import type { TokenEntry } from '../service/auth/tokens.ts';
import type { LogFormat, LogLevel } from '../service/logger/levels.ts';

/** How Cascade reaches the resource repo. */
export type RepoTransport = 'path' | 'file' | 'ssh' | 'git' | 'https' | 'http';

/** `repo`: the resource repo every service watches. */
export interface RepoConfig {
  /** A local path (made absolute), or a `file://`, `ssh://`, scp-style `user@host:path`, `git://` or `http(s)://` URL. */
  url: string;
  transport: RepoTransport;
  /** The branch all writers share; default `main`. */
  branch: string;
  /** How often services fetch, in ms; default 10 s. */
  pollInterval: number;
}

/** `log`: what and how services log. */
export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

/** A Kubernetes cluster the deployer applies to. */
export interface KubernetesTargetConfig {
  type: 'kubernetes';
  /** Absolute path of a kubeconfig; absent means the client's default (`KUBECONFIG`, then `~/.kube/config`). */
  kubeconfig?: string;
  /** Context inside the kubeconfig; absent means its current context. */
  context?: string;
  /** Use the pod's service account instead of a kubeconfig. */
  inCluster: boolean;
  /**
   * List and watch only in the environments' namespaces, never across the cluster: for a deployer whose RBAC is
   * granted per namespace (a Role in each). Default false: one list or watch per kind for the whole cluster.
   */
  namespaced: boolean;
  /**
   * Namespaces the environments on this target may use; an entry ending in `*` matches any rest. Absent: every
   * namespace except `default` and `kube-*`, which are only ever allowed by an entry naming them.
   */
  allowedNamespaces?: string[];
  /** Cluster-scoped kinds (`Kind` or `group/Kind`) every environment may apply; absent: none but its own Namespace. */
  clusterKinds?: string[];
  /** Kinds never applied, namespaced or not. */
  deniedKinds?: string[];
  /** Environments that may bind to this target, as name patterns (`*` at the end matches any rest); absent: all. */
  allowedEnvironments?: string[];
  /** What the policy grants single environments beyond the target's, by environment name. */
  environments?: Record<string, KubernetesEnvironmentConfig>;
  /** Stagings of this target deployed at once (a slow one takes one slot, the others go on); absent: 4. */
  parallelism?: number;
}

/** `targets.<name>.environments.<env>`: more for one environment of a kubernetes target, and who it acts as. */
export interface KubernetesEnvironmentConfig {
  /** More namespaces its objects may name (patterns like allowedNamespaces); its own namespace is always allowed. */
  namespaces?: string[];
  /** More cluster-scoped kinds it may apply. */
  clusterKinds?: string[];
  /** ServiceAccount in the environment's namespace to impersonate for its objects' reads, applies and deletes. */
  serviceAccount?: string;
}

/** A directory of control scripts (the multi-staging contract) the deployer calls. */
export interface ScriptTargetConfig {
  type: 'script';
  /** Absolute path of the directory holding `create`, `update`, `archive`, …. */
  dir: string;
  /** Passed as `--project-name`. */
  projectName: string;
  /** Passed as `--base-domain`. */
  baseDomain: string;
  /** Time limit of every script call, in ms; default 5 min. */
  timeout: number;
  /** How often `check` asks for the health of each running resource, in ms; default 1 min. */
  checkInterval: number;
  /** Scripts of this target running at once, over all its environments; default 4. */
  parallelism: number;
  /**
   * How config reaches the scripts: `file` (default) a private JSON file named by `--config-file`; `argv` the old
   * `--application-config KEY=VALUE` arguments, which every local user can read in the process list.
   */
  configArguments: 'file' | 'argv';
}

/** A deploy target, by the name `deployers.yaml` refers to. */
export type TargetConfig = KubernetesTargetConfig | ScriptTargetConfig;

/** `deployer`: the service applying environments to targets. */
export interface DeployerConfig {
  /** `host:port` the HTTP API binds to; default `127.0.0.1:7401`. */
  listen: string;
  /** Base URL of the transitioner's API, told to look when a rollout status changes; default derived from `transitioner.listen`. */
  transitioner: string;
  /** Base URL of the aggregator, told to look when a rollout status changes so the dashboard shows it at once; default derived from `aggregator.listen`. */
  aggregator: string;
  /**
   * Id written as label `cascade.dev/installation` on every object applied and part of every selector, so installations
   * sharing a cluster and environment names never see (or prune) each other's objects; default derived from `repo`.
   */
  installation: string;
  /**
   * Milliseconds between full reconciles of a deployer that watches its Kubernetes targets: every live object is listed
   * afresh and every environment deployed, so a watch event that got lost is made up for; default 10 minutes.
   */
  reconcileInterval: number;
  /** Environments and stagings are split over this many shards, each a Lease one replica holds (needs `election`); default 1. */
  shards: number;
}

/** `transitioner`: the service promoting versions between environments. */
export interface TransitionerConfig {
  /** Default `127.0.0.1:7402`. */
  listen: string;
  /** Base URL of the deployer's API; default derived from `deployer.listen`. */
  deployer: string;
  /** Base URL of the aggregator, told to look after every promotion commit; default derived from `aggregator.listen`. */
  aggregator: string;
}

/** A bearer token allowed to call the aggregator (only its sha256 is stored). */
export type TokenConfig = TokenEntry;

/** `aggregator`: the API for people and CI, and the UI. */
export interface AggregatorConfig {
  /** Default `127.0.0.1:7400`. */
  listen: string;
  /** Default derived from `deployer.listen`. */
  deployer: string;
  /** Default derived from `transitioner.listen`. */
  transitioner: string;
  /** Admit requests without a token as read-only viewers; default false. */
  anonymousRead: boolean;
  /** Environments `ci` tokens may push versions into besides the pipeline's entry environments; absent or empty: none. */
  ciEnvironments?: readonly string[];
  /**
   * Keys of version files' `config` and `deploymentConfig` whose values viewers may see; a trailing `*` matches any
   * rest. Every other key's value is withheld from callers without `secrets:read`. Absent or empty: none.
   */
  publicConfig?: readonly string[];
  tokens: readonly TokenConfig[];
  /** How people sign in besides tokens (OIDC, a trusted auth proxy); absent in configs built by hand: tokens only. */
  auth?: AggregatorAuthConfig;
}

/** `aggregator.auth`: dashboard sessions after an OIDC sign-in, and people vouched for by a trusted auth proxy. */
export interface AggregatorAuthConfig {
  /** Absolute path of the key sessions are signed with; absent: a random key per process (sessions end with it). */
  sessionKeyFile?: string;
  /** How long a dashboard session lasts, in ms; default 12 h. */
  sessionTtl: number;
  /** Whom a person without access should ask, shown when they are refused. */
  contact?: string;
  /**
   * A file holding the aggregator's own token, listed in `aggregator.tokens` with `delegate: true`: with it a
   * signed-in person's promotions and log reads are passed on to the transitioner and the deployer as that person.
   */
  peerTokenFile?: string;
  oidc?: OidcConfig;
  proxy?: ProxyAuthConfig;
}

/** Which groups give which role (the highest any group gives wins); a person in none gets `defaultRole`, or is refused without one. */
export interface RoleMappingConfig {
  roles: Readonly<Partial<Record<Role, readonly string[]>>>;
  defaultRole?: Role;
}

/** `aggregator.auth.oidc`: the dashboard signs people in with an OpenID Connect provider (code flow with PKCE). */
export interface OidcConfig extends RoleMappingConfig {
  /** The issuer URL; its discovery document is read at the first sign-in (and again after a failed read). */
  issuer: string;
  clientId: string;
  /** Absolute path of a file holding the client secret; absent: a public client (PKCE only). */
  clientSecretFile?: string;
  /** The dashboard's `/auth/callback` as the provider redirects to it; its origin is the dashboard's. */
  redirectUrl: string;
  scopes: readonly string[];
  /** The claim holding the person's groups; a dotted path reaches into objects (`realm_access.roles`). */
  groupsClaim: string;
}

/** `aggregator.auth.proxy`: an auth proxy in front of the aggregator names the person in headers. */
export interface ProxyAuthConfig extends RoleMappingConfig {
  userHeader: string;
  groupsHeader: string;
  /** A header with a display name; absent or empty in a request: the user header's value. */
  nameHeader?: string;
  /** Peers (CIDR ranges) whose headers are believed; from any other address they are ignored. */
  trustedProxies: readonly string[];
}

/** `secrets`: the deployer's age identities, which decrypt the SOPS files of the resource repo. */
export interface SecretsConfig {
  /** Absolute paths of age identity files (as `age-keygen` writes them), tried in order; empty: the deployer decrypts nothing. */
  ageIdentityFiles: readonly string[];
}

/**
 * `election`: the deployer and the transitioner elect who acts with `coordination.k8s.io/v1` Leases in a cluster, so
 * several replicas can run and one takes over when another dies. Absent: a single process that always acts.
 */
export interface ElectionConfig {
  /** Namespace holding the Leases. */
  namespace: string;
  /** Kubeconfig to reach that cluster; absent: the client's default, as for a kubernetes target. */
  kubeconfig?: string;
  context?: string;
  /** Use the pod's service account. */
  inCluster: boolean;
  /** How long a Lease holds without renewal before another replica may take it, in ms; default 15 s. */
  leaseDuration: number;
  /** A holder that could not renew for this long stops acting, in ms; default 10 s (shorter than leaseDuration). */
  renewDeadline: number;
  /** How often holders renew and others try, in ms; default 2 s. */
  retryPeriod: number;
  /** This replica's name in the Leases; default host name, process id and a random suffix. */
  identity: string;
  /** The base URL other services reach this replica at; default its listen address (a wildcard host becomes $POD_IP or the host name). */
  advertise?: string;
}

/** The whole validated, frozen configuration. */
export interface CascadeConfig {
  /** Absolute path of the file this was loaded from. */
  file: string;
  repo: RepoConfig;
  /** Absolute directory for clones and caches; default `.cascade` next to the config file. */
  dataDir: string;
  log: LogConfig;
  targets: Readonly<Record<string, TargetConfig>>;
  deployer: DeployerConfig;
  transitioner: TransitionerConfig;
  aggregator: AggregatorConfig;
  /** Absent in configs built by hand (tests); the loader always sets it. */
  secrets?: SecretsConfig;
  /** Absent: no leader election, every process acts. */
  election?: ElectionConfig;
}
