// Preconditions: one check per kind, each a pure function of the transition, the snapshot and the observations.
import type { EnvironmentStatus, Precondition, Transition } from '@cascade/common';
import type { Observations } from './observations.ts';

/** What one precondition says about a transition right now. */
export type PreconditionVerdict =
  /** It holds. */
  | { kind: 'Holds' }
  /** It does not hold yet but may soon (still rolling out, still soaking): the transition is Blocked. */
  | { kind: 'NotYet'; message: string }
  /** It failed and will not pass by waiting (the source's rollout failed): the transition is CheckFailed. */
  | { kind: 'Failed'; message: string };

/** Everything a precondition check may look at. */
export interface PreconditionContext {
  transition: Transition;
  observed: Observations;
  now: Date;
}

type Check<K extends Precondition['kind']> = (precondition: Extract<Precondition, { kind: K }>, context: PreconditionContext) => PreconditionVerdict;

// One entry per kind; the mapped type makes the compiler ask for a check when a kind is added to Precondition.
const CHECKS: { [K in Precondition['kind']]: Check<K> } = {
  SourceClean: checkSourceClean,
  SoakTime: checkSoakTime,
};

/** Checks one precondition. */
export function checkPrecondition(precondition: Precondition, context: PreconditionContext): PreconditionVerdict {
  return (CHECKS[precondition.kind] as Check<typeof precondition.kind>)(precondition, context);
}

/** Checks every precondition: a failure wins over waiting (it is the more useful message), waiting over holding. */
export function checkPreconditions(context: PreconditionContext): PreconditionVerdict {
  const verdicts = context.transition.preconditions.map((precondition) => checkPrecondition(precondition, context));
  return verdicts.find((v) => v.kind === 'Failed') ?? verdicts.find((v) => v.kind === 'NotYet') ?? { kind: 'Holds' };
}

/** `SourceClean`: the deployer has deployed what the source holds now, and every resource is rolled out. */
function checkSourceClean(_precondition: { kind: 'SourceClean' }, { transition, observed }: PreconditionContext): PreconditionVerdict {
  const { source } = transition;
  if (observed.deployer.kind === 'Unreachable') return { kind: 'NotYet', message: `cannot ask the deployer about ${source}: ${observed.deployer.message}` };
  const env = observed.deployer.status.environments.find((e) => e.env === source);
  if (!env) return { kind: 'NotYet', message: `the deployer does not report environment ${source} yet` };
  if (env.commit === undefined) return { kind: 'NotYet', message: `the deployer has not deployed ${source} yet` };
  if (!observed.deployedAtHead.has(source)) {
    // The usual wait right after a promotion into the source: said as a wait, not as a fault.
    return { kind: 'NotYet', message: `waiting for ${source} to finish deploying its current versions (the deployer last deployed it from ${env.commit.slice(0, 12)}; ${source} changed since)` };
  }
  switch (env.state) {
    case 'Clean':
      return { kind: 'Holds' };
    case 'Failed':
      return { kind: 'Failed', message: `the rollout of ${source} failed: ${describeResources(env, 'Failed')}` };
    case 'Unreachable':
      return { kind: 'NotYet', message: `the deployer cannot reach the target of ${source}${env.unreachable ? `: ${env.unreachable.message}` : ''}` };
    default:
      return { kind: 'NotYet', message: `waiting for ${source} to finish rolling out: ${describeResources(env, env.state)}` };
  }
}

/** `SoakTime`: the source's versions have been in place for at least `minutes`. */
function checkSoakTime(precondition: { kind: 'SoakTime'; minutes: number }, { transition, observed, now }: PreconditionContext): PreconditionVerdict {
  const since = observed.versionsSince.get(transition.source);
  if (since === undefined) return { kind: 'NotYet', message: `cannot tell since when the versions of ${transition.source} are in place` };
  const until = new Date(since.getTime() + precondition.minutes * 60_000);
  if (now.getTime() >= until.getTime()) return { kind: 'Holds' };
  const soaked = Math.floor((now.getTime() - since.getTime()) / 60_000);
  return { kind: 'NotYet', message: `waiting for the versions of ${transition.source} to soak: ${Math.max(0, soaked)} of ${precondition.minutes} minutes, until ${until.toISOString()}` };
}

/** Names the resources in a state with their reasons, e.g. `shop/cart (NotAllUpdated 1/3)`, at most five. */
function describeResources(env: EnvironmentStatus, state: string): string {
  const matching = env.resources.filter((r) => r.state === state);
  if (matching.length === 0) return 'no resource details reported';
  const named = matching.slice(0, 5).map((r) => {
    const why = r.reason ?? r.errors[0]?.message;
    return why ? `${r.name} (${why})` : r.name;
  });
  return matching.length > 5 ? `${named.join(', ')} and ${matching.length - 5} more` : named.join(', ');
}
