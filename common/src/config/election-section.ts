// `election`: where the Leases of leader election and deployer shards live, and their timing (client-go's defaults).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { boolean, duration, path, serviceUrl, text } from './kinds.ts';
import type { MapReader } from './reader.ts';
import { report } from './reader.ts';
import type { ElectionConfig } from './types.ts';

/** client-go's leader election defaults: a lease lasts 15 s, a leader gives up after 10 s without renewing, and tries every 2 s. */
export const ELECTION_DEFAULTS = { leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000 } as const;

const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IDENTITY = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;

/** Reads `election`; undefined when neither the file nor the environment names a namespace (one process that always acts). */
export function readElection(section: MapReader): ElectionConfig | undefined {
  const reported = section.ctx.problems.length;
  const namespace = section.scalar('namespace', text(NAMESPACE, 'a namespace name'));
  const namespaceInvalid = section.ctx.problems.length > reported;
  const kubeconfig = section.scalar('kubeconfig', path);
  const context = section.scalar('context', text());
  const inCluster = section.scalar('inCluster', boolean, false)!;
  const leaseDuration = section.scalar('leaseDuration', duration(1000, '1s'), ELECTION_DEFAULTS.leaseDuration)!;
  const renewDeadline = section.scalar('renewDeadline', duration(500, '500ms'), ELECTION_DEFAULTS.renewDeadline)!;
  const retryPeriod = section.scalar('retryPeriod', duration(100, '100ms'), ELECTION_DEFAULTS.retryPeriod)!;
  const identity = section.scalar('identity', text(IDENTITY, 'letters, digits, dots, dashes and underscores'));
  const advertise = section.scalar('advertise', serviceUrl);
  const present = section.keys().length > 0;
  section.finish();
  if (namespace === undefined) {
    if (present && !namespaceInvalid) report(section.ctx, 'missing', section.childPath('namespace'), 'is required when election is configured (or set CASCADE_ELECTION_NAMESPACE)', section.node);
    return undefined;
  }
  // The leader must stop acting (renew deadline) before anybody else may take over (lease duration), and must get
  // more than one try at renewing before it gives up.
  if (renewDeadline >= leaseDuration) report(section.ctx, 'invalid-value', section.childPath('renewDeadline'), 'must be shorter than leaseDuration, so a leader stops acting before another can take over', section.node);
  if (retryPeriod * 2 > renewDeadline) report(section.ctx, 'invalid-value', section.childPath('retryPeriod'), 'must be at most half of renewDeadline, so a leader tries to renew more than once before it gives up', section.node);
  if (inCluster && (kubeconfig !== undefined || context !== undefined)) report(section.ctx, 'invalid-value', section.childPath('inCluster'), 'inCluster: true excludes kubeconfig and context', section.node);
  return {
    namespace,
    ...(kubeconfig === undefined ? {} : { kubeconfig }),
    ...(context === undefined ? {} : { context }),
    inCluster,
    leaseDuration,
    renewDeadline,
    retryPeriod,
    // Unique per process: a restarted process must not believe it still holds what its predecessor held.
    identity: identity ?? `${hostname().slice(0, 100)}-${process.pid}-${randomBytes(3).toString('hex')}`,
    ...(advertise === undefined ? {} : { advertise }),
  };
}
