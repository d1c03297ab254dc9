// Names and labels of the Leases one installation uses.
import { INSTALLATION_LABEL, LEASE_ROLE_LABEL } from './kube-leases.ts';
import { fnv1a } from './shards.ts';

/** What a Lease is for. */
export type LeaseRole = 'transitioner' | 'deployer-shard' | 'deployer-member' | 'aggregator-member';

/** The Lease of the active transitioner. */
export function transitionerLeaseName(installation: string): string {
  return `cascade-${installation}-transitioner`;
}

/** The Lease of one deployer shard. */
export function shardLeaseName(installation: string, shard: number): string {
  return `cascade-${installation}-deployer-shard-${shard}`;
}

/** The Lease a replica holds while it lives: deployers count each other to share the shards, aggregators are told of changes. */
export function memberLeaseName(installation: string, service: 'deployer' | 'aggregator', identity: string): string {
  return `cascade-${installation}-${service}-member-${fnv1a(identity).toString(16).padStart(8, '0')}`;
}

/** The labels of a Lease of `role` in `installation`. */
export function leaseLabels(installation: string, role: LeaseRole): Record<string, string> {
  return { [INSTALLATION_LABEL]: installation, [LEASE_ROLE_LABEL]: role };
}

/** The label selector of every Lease of `installation`, or of one role. */
export function leaseSelector(installation: string, role?: LeaseRole): string {
  return `${INSTALLATION_LABEL}=${installation}${role === undefined ? '' : `,${LEASE_ROLE_LABEL}=${role}`}`;
}
