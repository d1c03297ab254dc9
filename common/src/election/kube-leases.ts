// Lease objects in one namespace through the Kubernetes API: read, list, create, replace (optimistic) and delete.
// The Kubernetes client is loaded only when a service takes part in an election: loading it costs a process tens of
// MB of resident memory, which a transitioner or aggregator without `election` never needs.
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
import { V1MicroTime } from '@kubernetes/client-node/dist/types.js';
import type { ElectionConfig } from '../config/types.ts';
import type { LeaseRecord } from './lease-step.ts';

/** Annotation holding the holder's base URL. */
export const ADDRESS_ANNOTATION = 'cascade.dev/address';
/** Label saying what a Lease is for (`transitioner`, `deployer-shard`, `deployer-member`). */
export const LEASE_ROLE_LABEL = 'cascade.dev/lease';
/** Label of the installation a Lease belongs to, as on every applied object. */
export const INSTALLATION_LABEL = 'cascade.dev/installation';

/** A Lease as the elector reads it: the record, its labels and when the holder last renewed (for reports only). */
export interface LeaseObject extends LeaseRecord {
  name: string;
  labels: Record<string, string>;
}

/** What the elector writes into a Lease it creates, takes or renews. */
export interface LeaseWrite {
  holder: string;
  durationMs: number;
  transitions: number;
  /** Set when the holder changes. */
  acquired: boolean;
  labels: Record<string, string>;
  address?: string;
}

/** The Lease operations leader election needs; `replace` and `create` answer false when another writer was first. */
export interface LeaseApi {
  readonly namespace: string;
  get(name: string): Promise<LeaseObject | undefined>;
  list(labelSelector: string): Promise<LeaseObject[]>;
  create(name: string, write: LeaseWrite): Promise<LeaseObject | false>;
  replace(name: string, version: string, write: LeaseWrite): Promise<LeaseObject | false>;
  remove(name: string, version?: string): Promise<void>;
}

/** Gives up on one Lease request after this long; the loop tries again, and a holder stops acting at its renew deadline anyway. */
const REQUEST_TIMEOUT_MS = 5000;

/** The Lease API of the cluster `election` names. */
export async function kubeLeaseApi(election: Pick<ElectionConfig, 'namespace' | 'kubeconfig' | 'context' | 'inCluster'>): Promise<LeaseApi> {
  const { KubeConfig, CoordinationV1Api } = await import('./kube-lease-client.ts');
  const kc = new KubeConfig();
  if (election.inCluster) kc.loadFromCluster();
  else if (election.kubeconfig !== undefined) kc.loadFromFile(election.kubeconfig);
  else kc.loadFromDefault();
  if (election.context !== undefined) kc.setCurrentContext(election.context);
  return leaseApiFor(kc.makeApiClient(CoordinationV1Api), election.namespace);
}

/** A LeaseApi over a client (tests point one at a proxy they can cut). */
export function leaseApiFor(api: CoordinationV1Api, namespace: string): LeaseApi {
  const conflict = (error: unknown) => error instanceof ApiException && (error.code === 409 || error.code === 422);
  return {
    namespace,
    async get(name) {
      try {
        return fromLease(await bounded(api.readNamespacedLease({ name, namespace })));
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw error;
      }
    },
    async list(labelSelector) {
      const list = await bounded(api.listNamespacedLease({ namespace, labelSelector }));
      return list.items.map(fromLease);
    },
    async create(name, write) {
      try {
        return fromLease(await bounded(api.createNamespacedLease({ namespace, body: toLease(name, undefined, write) })));
      } catch (error) {
        if (conflict(error)) return false;
        throw error;
      }
    },
    async replace(name, version, write) {
      try {
        return fromLease(await bounded(api.replaceNamespacedLease({ name, namespace, body: toLease(name, version, write) })));
      } catch (error) {
        if (conflict(error) || (error instanceof ApiException && error.code === 404)) return false;
        throw error;
      }
    },
    async remove(name, version) {
      try {
        await bounded(api.deleteNamespacedLease({ name, namespace, ...(version === undefined ? {} : { body: { preconditions: { resourceVersion: version } } }) }));
      } catch (error) {
        if (error instanceof ApiException && (error.code === 404 || error.code === 409)) return;
        throw error;
      }
    },
  };
}

function toLease(name: string, version: string | undefined, write: LeaseWrite): V1Lease {
  const now = new V1MicroTime();
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      ...(version === undefined ? {} : { resourceVersion: version }),
      labels: { 'app.kubernetes.io/managed-by': 'cascade', ...write.labels },
      ...(write.address === undefined ? {} : { annotations: { [ADDRESS_ANNOTATION]: write.address } }),
    },
    spec: {
      holderIdentity: write.holder,
      // The API counts whole seconds; a lease of 1.5 s is written as 2 s, never shorter than what the holder assumes.
      leaseDurationSeconds: Math.ceil(write.durationMs / 1000),
      renewTime: now,
      leaseTransitions: write.transitions,
      ...(write.acquired ? { acquireTime: now } : {}),
    },
  };
}

function fromLease(lease: V1Lease): LeaseObject {
  const holder = lease.spec?.holderIdentity;
  const address = lease.metadata?.annotations?.[ADDRESS_ANNOTATION];
  return {
    name: lease.metadata?.name ?? '',
    labels: lease.metadata?.labels ?? {},
    holder: holder === undefined || holder === '' ? undefined : holder,
    durationMs: (lease.spec?.leaseDurationSeconds ?? 0) * 1000,
    version: lease.metadata?.resourceVersion ?? '',
    transitions: lease.spec?.leaseTransitions ?? 0,
    ...(address === undefined ? {} : { address }),
  };
}

/** The request, or a timeout error after REQUEST_TIMEOUT_MS (the request itself is left to end on its own). */
async function bounded<T>(request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the Lease request got no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)), REQUEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
