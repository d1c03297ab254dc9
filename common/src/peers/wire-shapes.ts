// What the services' answers must look like before a peer relies on them: one check per wire shape, no I/O.
import type { StagingScriptRun } from '../api/stagings.ts';
import type { DeployerStatus, StagingActionRecord } from '../status/deployer.ts';
import type { DeployerStatusDelta } from '../api/deployer-delta.ts';
import type { TransitionerStatus, TransitionResult } from '../status/transitioner.ts';

/** Where a body departs from a wire shape: the path of the first wrong field (`''` for the body itself) and what is wrong. */
export interface ShapeMismatch {
  /** E.g. `environments[2].state`; empty when the body as a whole is wrong. */
  field: string;
  /** E.g. `is missing`, `is not a string`. */
  problem: string;
}

/** One wire shape: its name in messages and a check that finds the first mismatch of a body. */
export interface WireShape<T> {
  /** E.g. `deployer status`, as in "answered something that is not a deployer status". */
  readonly name: string;
  /** The first mismatch, or undefined when the body is of this shape. */
  mismatch(body: unknown): ShapeMismatch | undefined;
  /** Whether the body is of this shape. */
  fits(body: unknown): body is T;
}

/** The mismatch as a phrase, e.g. `environments[0].state is not a string`. */
export function describeMismatch(mismatch: ShapeMismatch): string {
  return `${mismatch.field === '' ? 'the answer' : mismatch.field} ${mismatch.problem}`;
}

type Check = (value: unknown, path: string) => ShapeMismatch | undefined;

const missingOr = (value: unknown, path: string, problem: string): ShapeMismatch => ({ field: path, problem: value === undefined ? 'is missing' : problem });

const string: Check = (value, path) => (typeof value === 'string' ? undefined : missingOr(value, path, 'is not a string'));
const number: Check = (value, path) => (typeof value === 'number' && Number.isFinite(value) ? undefined : missingOr(value, path, 'is not a number'));
const boolean: Check = (value, path) => (typeof value === 'boolean' ? undefined : missingOr(value, path, 'is not true or false'));
/** `check`, or null. */
const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? undefined : check(value, path);
/** `check`, or absent. */
const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);

const list =
  (item?: Check): Check =>
  (value, path) => {
    if (!Array.isArray(value)) return missingOr(value, path, 'is not a list');
    if (!item) return undefined;
    for (const [index, entry] of value.entries()) {
      const found = item(entry, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  };

const object =
  (fields: Record<string, Check>): Check =>
  (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return missingOr(value, path, 'is not an object');
    for (const [key, check] of Object.entries(fields)) {
      const found = check((value as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  };

/** An object whose `kind` picks the fields it must have. */
const variants =
  (byKind: Record<string, Record<string, Check>>): Check =>
  (value, path) => {
    const kinds = Object.keys(byKind);
    const kindCheck: Check = (kind, kindPath) => (typeof kind === 'string' && kinds.includes(kind) ? undefined : missingOr(kind, kindPath, `is not one of ${kinds.join(', ')}`));
    const found = object({ kind: kindCheck })(value, path);
    if (found) return found;
    return object(byKind[(value as { kind: string }).kind]!)(value, path);
  };

function shape<T>(name: string, check: Check): WireShape<T> {
  return { name, mismatch: (body) => check(body, ''), fits: (body): body is T => check(body, '') === undefined };
}

/** The deployer's `GET /status`: a list of environments, each with a name, a state and resources (what its peers read). */
export const DEPLOYER_STATUS: WireShape<DeployerStatus> = shape('deployer status', object({ environments: list(object({ env: string, state: string, resources: list() })) }));

/** One environment of a status delta: its own fields, and its reports either as what changed by name or whole. */
const environmentPatch: Check = (value, path) => {
  const found = object({ env: string, state: string })(value, path);
  if (found) return found;
  if ((value as Record<string, unknown>).resources !== undefined) return object({ resources: list() })(value, path);
  return object({ reports: object({ upsert: list(object({ name: string })), remove: list(string) }) })(value, path);
};

/** The deployer's `GET /status?since=`, when it answers with what changed: the environments in order, each as an EnvironmentPatch. */
export const DEPLOYER_STATUS_DELTA: WireShape<DeployerStatusDelta> = shape('deployer status delta', object({ since: string, environments: list(environmentPatch) }));

/** The transitioner's `GET /status`: a list of transitions, each with a name, a source and a target. */
export const TRANSITIONER_STATUS: WireShape<TransitionerStatus> = shape('transitioner status', object({ transitions: list(object({ name: string, source: string, target: string })) }));

/** The transitioner's answer to `POST /transitions/{name}/run`: one of the four results, with the fields of its kind. */
export const TRANSITION_RESULT: WireShape<TransitionResult> = shape(
  'transition result',
  variants({
    Success: { commit: string, promoted: list() },
    Skipped: { reason: object({ kind: string }) },
    Blocked: { message: string },
    CheckFailed: { message: string },
  }),
);

/** The deployer's `GET /stagings/{name}/actions`: the staging's action records, each with what a reader shows of it. */
export const STAGING_ACTION_RECORDS: WireShape<{ name: string; actions: StagingActionRecord[] }> = shape(
  'staging action log',
  object({
    name: string,
    actions: list(object({ action: string, startedAt: string, result: string, commit: string, finishedAt: optional(string), durationMs: optional(number), message: optional(string) })),
  }),
);

/** The deployer's `GET /logs/{env}/{resource}`: the control-script runs it keeps, with argv, exit code and output. */
export const SCRIPT_LOGS: WireShape<{ env: string; resource: string; runs: StagingScriptRun[] }> = shape(
  'control-script log',
  object({
    env: string,
    resource: string,
    runs: list(object({ action: string, args: list(string), startedAt: string, durationMs: number, exitCode: nullable(number), timedOut: boolean, stdout: string, stderr: string, startError: optional(string) })),
  }),
);
