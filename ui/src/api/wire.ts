// Every wire type the dashboard reads, taken from the files the aggregator and the deployer compile against,
// so a change to the API breaks `npm run ui:check` instead of the page.
export type * from '@cascade/common/api';
export type { EnvironmentStatus, ResourceError, ResourceStatus, RolloutState, ScriptHealth, ScriptState, StagingActionRecord, StagingPhase, TransitionCondition, TransitionOutlook } from '@cascade/common/status';
export type { StagingIntent, StagingKind, YamlValue } from '@cascade/common';
