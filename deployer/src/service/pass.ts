// One deployer pass over every environment bound in deployers.yaml: render, hand to its target, collect the status.
import type { DeployerBinding, EnvironmentStatus, SnapshotWithFiles } from '@cascade/common';
import type { ParseCache } from '@cascade/common';
import { openProblem, plainValue, renderEnvironmentAsync, secretFilesAsync } from '@cascade/common';
import type { Resource } from '@cascade/common';
import { SecretsKeyring } from '@cascade/common/secrets';
import type { Fence } from '@cascade/common/election';
import { isFenceLost, runFenced } from '@cascade/common/election';
import type { Clock, Logger } from '@cascade/common/service';
import { createTimeSlicer } from '@cascade/common/service';
import { anyResourceErrors, unreachableStatus } from '../status/environment-state.ts';
import type { EnvironmentPass, StepTimer, Target } from '../targets/target.ts';
import { TargetUnreachableError, timedStep } from '../targets/target.ts';
import type { TargetBackoff } from './target-backoff.ts';

/** What one pass produced: the status per environment and the targets that could not be reached. */
export interface PassResult {
  environments: Map<string, EnvironmentStatus>;
  unreachable: TargetUnreachableError[];
}

/** Inputs of one pass. */
export interface PassInput {
  snapshot: SnapshotWithFiles;
  cache: ParseCache;
  targets: ReadonlyMap<string, Target>;
  /** Statuses of the previous pass, kept for environments whose target is unreachable now. */
  previous: ReadonlyMap<string, EnvironmentStatus>;
  clock: Clock;
  logger: Logger;
  /** When unreachable targets may be tried again; without it every pass tries every target. */
  backoff?: TargetBackoff;
  /** Only these environments, e.g. for `cascade deploy ENV --once`; all when absent. */
  only?: string;
  /** Try targets even while their backoff waits: a watch event just showed the target answers. */
  retryNow?: boolean;
  /** What each environment's last pass was deployed from; an environment whose inputs are all as they were keeps its status. */
  memory?: PassMemory;
  /** Decrypts the environments' SOPS files; without it each encrypted resource fails with `secret-undecryptable`. */
  keyring?: SecretsKeyring;
  /** With shards: the environments this replica acts for, and the fence each one's writes check; absent: all, unfenced. */
  sharding?: Sharding;
  /** Told how long each environment's render and refresh took; the target times its own steps. */
  steps?: StepTimer;
  /** Where the pass keeps templates' base files parsed (RenderOptions.bases); a map of its own by default, shared by its environments. */
  bases?: ParseCache;
}

/** Which environments and stagings a deployer replica acts for, and the Lease their writes are fenced by. */
export interface Sharding {
  owns(name: string): boolean;
  fenceFor(name: string): Fence;
}

/** Per environment, what its last completed pass was deployed from. */
export type PassMemory = Map<string, PassInputs>;

/** The inputs of an environment's pass: the repo's environment (a patched snapshot keeps the object while it is unchanged), its binding and its live objects. */
interface PassInputs {
  environment: unknown;
  binding: string;
  live: number;
}

/**
 * Deploys every bound environment; one environment's failure, or one target's outage, never stops the others.
 * Targets work side by side, each on its environments in deployers.yaml order, so a slow target delays only its own.
 */
export async function deployEnvironments(passInput: PassInput): Promise<PassResult> {
  // Environments made from the same base files parse each once in a pass (a first pass renders them all).
  const input: PassInput = passInput.bases === undefined ? { ...passInput, bases: new Map() } : passInput;
  const result: PassResult = { environments: new Map(), unreachable: [] };
  const bindings = [...input.snapshot.deployers.values()].filter((binding) => (input.only === undefined || binding.env === input.only) && (input.sharding?.owns(binding.env) ?? true));
  // What was remembered of an environment another replica acts for now is stale once this one acts for it again.
  for (const binding of input.snapshot.deployers.values()) if (input.sharding?.owns(binding.env) === false) input.memory?.delete(binding.env);
  const byTarget = new Map<string, DeployerBinding[]>();
  for (const binding of bindings) byTarget.set(binding.target, [...(byTarget.get(binding.target) ?? []), binding]);
  const statuses = new Map<string, EnvironmentStatus>();
  await Promise.all([...byTarget.values()].map(async (group) => {
    for (const binding of group) statuses.set(binding.env, await deployOne(binding, input, result));
  }));
  // The status lists environments in deployers.yaml order, whichever target finished first.
  for (const binding of bindings) result.environments.set(binding.env, statuses.get(binding.env)!);
  return result;
}

/**
 * What a target gets for one environment at the snapshot's commit: its resources and their rendered manifests. Parsed
 * base files of templates go to `bases`, not the cache: a render is remembered, and its base is needed again only
 * when the resource changes, so the cache does not hold thousands of them (a few KB each) between passes.
 */
export async function environmentPass(snapshot: SnapshotWithFiles, binding: DeployerBinding, cache: ParseCache, keyring: SecretsKeyring = NO_KEYS, bases: ParseCache = new Map()): Promise<EnvironmentPass> {
  const environment = snapshot.environments.get(binding.env);
  // Decrypting is asynchronous and rendering is not: the encrypted files are opened first (each blob once).
  await keyring.open(await secretFilesAsync(snapshot, binding.env, cache, createTimeSlicer()));
  return {
    env: binding.env,
    binding,
    commit: snapshot.commit,
    resources: environment === undefined ? [] : [...environment.resources.values()].map((resource) => withDecryptedVersion(snapshot, resource, keyring)),
    // Rendered in slices: a large environment must not keep the health checks and the API from answering.
    rendered: await renderEnvironmentAsync(snapshot, binding.env, cache, createTimeSlicer(), { secrets: keyring, bases }),
    pruneHold: (environment?.pruneHold ?? []).map((p) => `${p.file}: ${p.message}`),
  };
}

/** The keyring of a deployer configured without identities: encrypted resources fail, the others deploy. */
export const NO_KEYS = new SecretsKeyring([]);

/** Deploys one environment; its status never carries a decrypted value, whatever a target or the API server quoted. */
/**
 * A resource whose version file is encrypted, with the decrypted fields a control script gets as its input (never as
 * arguments); when it cannot be decrypted it carries the problem, so its script target keeps it as it is.
 */
function withDecryptedVersion(snapshot: SnapshotWithFiles, resource: Resource, keyring: SecretsKeyring): Resource {
  const { source, version } = resource;
  if (!version?.encrypted || (source.kind !== 'template' && source.kind !== 'versionOnly')) return resource;
  const opened = keyring.opened({ path: source.versionFile, oid: snapshot.files.files.get(source.versionFile)?.oid ?? '' });
  if (!opened?.ok) return { ...resource, problems: [...(resource.problems ?? []), { ...openProblem(source.versionFile, opened), env: resource.env, resource: resource.name }] };
  const fields = plainValue(opened.documents[0]);
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return resource;
  // A staging's fields (tag, overrides, its versions entry) stay over the decrypted file, as they do when rendering.
  return { ...resource, version: { ...version, fields: { ...fields, ...resource.overlay } } };
}

async function deployOne(binding: DeployerBinding, input: PassInput, result: PassResult): Promise<EnvironmentStatus> {
  const keyring = input.keyring ?? NO_KEYS;
  return keyring.scrub(await deployUnscrubbed(binding, { ...input, keyring }, result));
}

async function deployUnscrubbed(binding: DeployerBinding, input: PassInput, result: PassResult): Promise<EnvironmentStatus> {
  const { snapshot, clock } = input;
  const target = input.targets.get(binding.target);
  if (target === undefined) {
    const message = `deployers.yaml binds environment ${binding.env} to target ${binding.target}, which the deployer's config does not define`;
    return { env: binding.env, target: binding.target, state: 'Failed', resources: [], errors: [{ code: 'unknown-target', file: 'deployers.yaml', message }] };
  }
  const previous = input.previous.get(binding.env) ?? { env: binding.env, target: binding.target, state: 'Outdated', resources: [] };
  // A target that could not be reached waits out its backoff; the environments of other targets go on.
  if (input.backoff !== undefined && input.retryNow !== true && !input.backoff.due(binding.target, clock.now())) {
    return previous.state === 'Unreachable' ? previous : unreachableStatus(previous, clock.now(), `target ${binding.target} could not be reached; waiting to try again`);
  }
  // Read before the pass: a change arriving while it runs makes the next pass look again.
  const live = target.liveVersion?.(binding.env);
  const inputs = live === undefined ? undefined : { environment: snapshot.environments.get(binding.env), binding: JSON.stringify(binding), live };
  const last = input.memory?.get(binding.env);
  if (inputs !== undefined && last !== undefined && sameInputs(last, inputs) && settled(previous)) {
    // Nothing it is deployed from changed (a commit to another environment): the pass would apply nothing and report the same.
    // The status stays the same object while the commit does too, so an idle deployer's status does not change at all
    // (its peers then get 304 Not Modified); lastSuccess keeps the time of the last pass that looked at the target.
    return previous.commit === snapshot.commit ? previous : { ...previous, commit: snapshot.commit };
  }
  // Only live objects changed (watch events) since a pass that deployed this very commit: when they just moved
  // rollouts along, the target says so from the events, without rendering, planning or reading anything.
  if (inputs !== undefined && last !== undefined && last.environment === inputs.environment && last.binding === inputs.binding && previous.commit === snapshot.commit && settled(previous)) {
    const started = performance.now();
    const refreshed = target.refresh?.(binding.env);
    input.steps?.('refresh', (performance.now() - started) / 1000);
    if (refreshed !== undefined) {
      input.memory?.set(binding.env, inputs);
      return { ...refreshed, commit: snapshot.commit };
    }
  }
  input.memory?.delete(binding.env);
  try {
    // Every write for the environment checks the Lease of its shard: one lost mid-pass stops the pass's writes there.
    // The start and end are logged (debug) inside the fence, so who deployed what when can be followed across
    // replicas: an environment whose shard was handed over since the pass began logs nothing, as it does nothing.
    const status = await runFenced(input.sharding?.fenceFor(binding.env), async () => {
      input.logger.debug('environment deploy started', { env: binding.env, commit: snapshot.commit });
      try {
        return await target.deploy(await timedStep(input.steps, 'render', () => environmentPass(snapshot, binding, input.cache, input.keyring, input.bases)));
      } finally {
        input.logger.debug('environment deploy ended', { env: binding.env, commit: snapshot.commit });
      }
    });
    input.backoff?.succeeded(binding.target);
    if (inputs !== undefined) input.memory?.set(binding.env, inputs);
    return status;
  } catch (error) {
    // Another replica acts for it now and reports it; this one's status for it is dropped at its next pass.
    if (isFenceLost(error)) return previous;
    if (!(error instanceof TargetUnreachableError)) return failedUnexpectedly(binding, error, input.logger, input.keyring ?? NO_KEYS);
    result.unreachable.push(error);
    const retryAt = input.backoff?.failed(binding.target, clock.now());
    input.logger.warn('target unreachable', { env: binding.env, target: binding.target, error: error.data.cause, ...(retryAt ? { retryAt: retryAt.toISOString() } : {}) });
    return unreachableStatus(previous, clock.now(), error.data.cause);
  }
}

function sameInputs(a: PassInputs, b: PassInputs): boolean {
  return a.environment === b.environment && a.binding === b.binding && a.live === b.live;
}

/** A status worth keeping as it is: reached, and without an error a new attempt might clear. */
function settled(status: EnvironmentStatus): boolean {
  return status.state !== 'Unreachable' && status.state !== 'Failed' && (status.errors ?? []).length === 0 && !anyResourceErrors(status.resources);
}

/** An error nobody expected stays with its environment: reported there, logged, and the other environments go on. */
function failedUnexpectedly(binding: DeployerBinding, error: unknown, logger: Logger, keyring: SecretsKeyring): EnvironmentStatus {
  const message = keyring.scrub(error instanceof Error ? error.message : String(error));
  logger.error('environment pass failed unexpectedly', { env: binding.env, target: binding.target, error: message });
  return { env: binding.env, target: binding.target, state: 'Failed', resources: [], errors: [{ code: 'internal-error', message: `the deployer failed on this environment: ${message}` }] };
}
