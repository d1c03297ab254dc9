// `@cascade/transitioner`: promotes versions from environment to environment when it is safe, and moves stagings through their lifecycle on time.
export { decideTransition, decideTransitions, type DecideOptions, type PlannedStep, type RoundPlan, type ScheduleRecord, type TransitionDecision } from './core/decide.ts';
export type { DeployerView, Observations } from './core/observations.ts';
export { planCopy, type CopyPlan, type HeldResource, type PlannedResource } from './core/copy-plan.ts';
export { checkPreconditions, type PreconditionVerdict } from './core/preconditions.ts';
export { decideStaging, decideStagingLifecycle, needsChangeTime, type LifecycleAction, type LifecycleDecision, type StagingObservations, type StagingPlan } from './core/staging-lifecycle.ts';
export type { StagingLastAction, StagingLifecycleStatus, TransitionerStatusWithStagings } from './service/staging-status.ts';
export { createTransitioner, type Transitioner, type TransitionerOptions } from './service/transitioner.ts';
export { startTransitioner, type TransitionerService } from './service/run.ts';
