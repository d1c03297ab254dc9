// Rollout status per kind, read from a live object's status the way `kubectl rollout status` reads it. No I/O.
import type { Manifest, ObjectRollout, YamlValue } from '@cascade/common';
import { asRecord } from './labels.ts';

/** Clean, shared by every object that is: a status holds one rollout per object, and most are this one. Frozen. */
const CLEAN: ObjectRollout = Object.freeze({ state: 'Clean' });

/** The rollout of one live object; kinds without a rollout are clean once they exist. */
export function rolloutStatus(object: Manifest): ObjectRollout {
  switch (object.kind) {
    case 'Deployment':
      return deploymentRollout(object);
    case 'StatefulSet':
      return statefulSetRollout(object);
    case 'DaemonSet':
      return daemonSetRollout(object);
    case 'Job':
      return jobRollout(object);
    default:
      return CLEAN;
  }
}

function deploymentRollout(object: Manifest): ObjectRollout {
  const { spec, status } = parts(object);
  const notObserved = notYetObserved(object);
  if (notObserved !== undefined) return notObserved;
  const progressing = condition(status, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { state: 'Failed', reason: { kind: 'ProgressDeadlineExceeded', message: text(progressing.message) } };
  }
  const expected = count(spec.replicas, 1);
  const updated = count(status.updatedReplicas);
  if (updated < expected) return { state: 'InProgress', reason: { kind: 'NotAllUpdated', expected, updated } };
  const total = count(status.replicas);
  if (total > updated) return { state: 'InProgress', reason: { kind: 'OldReplicasPending', count: total - updated } };
  const available = count(status.availableReplicas);
  if (available < updated) return { state: 'InProgress', reason: { kind: 'UpdatedUnavailable', available, updated } };
  return CLEAN;
}

function statefulSetRollout(object: Manifest): ObjectRollout {
  const { spec, status } = parts(object);
  const notObserved = notYetObserved(object);
  if (notObserved !== undefined) return notObserved;
  const strategy = asRecord(spec.updateStrategy);
  // With OnDelete, pods change only when someone deletes them: there is no rollout to wait for.
  if (strategy.type === 'OnDelete') return CLEAN;
  const expected = count(spec.replicas, 1);
  const ready = count(status.readyReplicas);
  if (ready < expected) return { state: 'InProgress', reason: { kind: 'NotAllReady', expected, ready } };
  const partition = count(asRecord(strategy.rollingUpdate).partition);
  const updated = count(status.updatedReplicas);
  if (partition > 0) {
    const wanted = Math.max(expected - partition, 0);
    return updated < wanted ? { state: 'InProgress', reason: { kind: 'NotAllUpdated', expected: wanted, updated } } : CLEAN;
  }
  if (status.updateRevision !== undefined && status.updateRevision !== status.currentRevision) {
    return { state: 'InProgress', reason: { kind: 'NotAllUpdated', expected, updated } };
  }
  return CLEAN;
}

function daemonSetRollout(object: Manifest): ObjectRollout {
  const { spec, status } = parts(object);
  const notObserved = notYetObserved(object);
  if (notObserved !== undefined) return notObserved;
  if (asRecord(spec.updateStrategy).type === 'OnDelete') return CLEAN;
  const expected = count(status.desiredNumberScheduled);
  const updated = count(status.updatedNumberScheduled);
  if (updated < expected) return { state: 'InProgress', reason: { kind: 'NotAllUpdated', expected, updated } };
  const available = count(status.numberAvailable);
  if (available < expected) return { state: 'InProgress', reason: { kind: 'UpdatedUnavailable', available, updated } };
  return CLEAN;
}

function jobRollout(object: Manifest): ObjectRollout {
  const { status } = parts(object);
  const failed = condition(status, 'Failed');
  if (failed?.status === 'True') return { state: 'Failed', reason: { kind: 'JobFailed', message: text(failed.message) } };
  if (condition(status, 'Complete')?.status === 'True') return CLEAN;
  return { state: 'InProgress', reason: { kind: 'JobRunning', active: count(status.active), succeeded: count(status.succeeded) } };
}

/** `NotYetObserved` while the controller has not caught up with the newest spec. */
function notYetObserved(object: Manifest): ObjectRollout | undefined {
  const generation = count(asRecord(object.metadata).generation);
  const observedGeneration = count(asRecord(object.status).observedGeneration);
  return observedGeneration < generation ? { state: 'InProgress', reason: { kind: 'NotYetObserved', generation, observedGeneration } } : undefined;
}

/**
 * What rolloutStatus reads of an object besides its kind and `metadata.generation`: the fields of `spec` it looks at
 * and the whole `status`, for the kinds that roll out; nothing for the others. The watch cache keeps only this much of
 * an object's spec and status (see live-projection.ts), so a field read above must be listed here too.
 */
export function rolloutPart(object: Manifest): { spec?: Record<string, YamlValue>; status?: YamlValue } {
  const fields = ROLLOUT_SPEC_FIELDS.get(String(object.kind));
  if (fields === undefined) return {};
  const spec = asRecord(object.spec);
  const kept: Record<string, YamlValue> = {};
  for (const field of fields) if (spec[field] !== undefined) kept[field] = spec[field];
  return object.status === undefined ? { spec: kept } : { spec: kept, status: object.status };
}

/** Per kind that rolls out, the fields of `spec` its rollout reads. */
const ROLLOUT_SPEC_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Deployment', ['replicas']],
  ['StatefulSet', ['replicas', 'updateStrategy']],
  ['DaemonSet', ['updateStrategy']],
  ['Job', []],
]);

function parts(object: Manifest): { spec: Record<string, YamlValue>; status: Record<string, YamlValue> } {
  return { spec: asRecord(object.spec), status: asRecord(object.status) };
}

function condition(status: Record<string, YamlValue>, type: string): Record<string, YamlValue> | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.map((c) => asRecord(c)).find((c) => c.type === type);
}

function count(value: YamlValue | undefined, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function text(value: YamlValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
