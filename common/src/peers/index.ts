// `@cascade/common/peers`: one typed client per service that others call, each checking the wire shape it reads (Node only).
export { DEFAULT_PEER_TIMEOUT_MS, type PeerClientOptions } from './call-peer.ts';
export { createDeployerClient, type DeployerClient } from './deployer-client.ts';
export { PeerError, type PeerCall, type PeerFailure, type PeerName } from './peer-error.ts';
export { createTransitionerClient, type TransitionerClient, type TransitionRun } from './transitioner-client.ts';
export { DEPLOYER_STATUS, DEPLOYER_STATUS_DELTA, describeMismatch, SCRIPT_LOGS, STAGING_ACTION_RECORDS, TRANSITION_RESULT, TRANSITIONER_STATUS, type ShapeMismatch, type WireShape } from './wire-shapes.ts';
export { createDirectedDeployerClient, createDirectedTransitionerClient, deployerClientFor, transitionerClientFor } from './directed.ts';
