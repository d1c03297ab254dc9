// `@cascade/transitioner`: promotes versions from environment to environment when it is safe.
export { decideTransition, decideTransitions, type DecideOptions, type PlannedStep, type RoundPlan, type ScheduleRecord, type TransitionDecision } from './core/decide.ts';
export type { DeployerView, Observations } from './core/observations.ts';
export { planCopy, type CopyPlan, type HeldResource, type PlannedResource } from './core/copy-plan.ts';
export { checkPreconditions, type PreconditionVerdict } from './core/preconditions.ts';
export { createTransitioner, type Transitioner, type TransitionerOptions } from './service/transitioner.ts';
export { startTransitioner, type TransitionerService } from './service/run.ts';
