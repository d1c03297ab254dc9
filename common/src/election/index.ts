// Leader election and deployer shards with coordination.k8s.io/v1 Leases, and the fences writes check.
export { LeaseDirectory, type ReplicaMap } from './directory.ts';
export { LeaseElector, type ElectionTiming, type ElectorOptions } from './elector.ts';
export { checkFence, FenceLostError, isFenceLost, runFenced, type Fence } from './fence.ts';
export { ADDRESS_ANNOTATION, kubeLeaseApi, leaseApiFor, type LeaseApi, type LeaseObject, type LeaseWrite } from './kube-leases.ts';
export { nextLeaseStep, observe, type LeaseRecord, type LeaseStep, type Observed } from './lease-step.ts';
export { leaseLabels, leaseSelector, memberLeaseName, shardLeaseName, transitionerLeaseName, type LeaseRole } from './names.ts';
export { advertisedUrl, serviceElection, type ServiceElection } from './service-election.ts';
export { ShardSet, type ShardSetOptions } from './shard-set.ts';
export { assignShards, fnv1a, shardOf } from './shards.ts';
export { fencedRepo } from './fenced-repo.ts';
