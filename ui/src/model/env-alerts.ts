// Errors about a whole environment (the deployer's `EnvironmentStatus.errors`) in words for people without ops
// knowledge: a few words for the column header, and a sentence that says what it means for the environment.
import type { ResourceError } from '../api/wire.ts';

/** One environment-level error, worded for the dashboard. */
export interface EnvAlert {
  /** The deployer's stable code, e.g. `prune-held`. */
  code: string;
  /** A few words for the column header badge, e.g. `pruning held`. */
  short: string;
  /** The code in plain words: what it means for the environment and what to do. */
  meaning: string;
  /** The deployer's own message. */
  message: string;
  /** Repo file to change, when the deployer names one (e.g. `deployers.yaml`). */
  file?: string;
  /** `bad` when nothing is deployed or the environment failed; `warn` when deploying goes on. */
  tone: 'bad' | 'warn';
  /** True when nothing at all is deployed to the environment because of it. */
  blocksDeploy: boolean;
}

type Wording = Pick<EnvAlert, 'short' | 'meaning' | 'tone' | 'blocksDeploy'>;

const WORDS: Record<string, Wording> = {
  'prune-held': {
    short: 'pruning held',
    meaning: 'Cascade deletes nothing here until the repo is fixed: what was removed from the repo keeps running. Changes are still deployed.',
    tone: 'warn',
    blocksDeploy: false,
  },
  'namespace-not-allowed': {
    short: 'not deployed: namespace not allowed',
    meaning: 'Nothing is deployed here: deployers.yaml puts this environment in a Kubernetes namespace the deployer is not allowed to use.',
    tone: 'bad',
    blocksDeploy: true,
  },
  'unknown-target': {
    short: 'not deployed: unknown target',
    meaning: 'Nothing is deployed here: deployers.yaml names a target the deployer does not know.',
    tone: 'bad',
    blocksDeploy: true,
  },
  'inventory-write-failed': {
    short: 'pruning held: record not saved',
    meaning: 'Cascade cannot save its record of what it deployed here, so it deletes nothing until it can.',
    tone: 'bad',
    blocksDeploy: false,
  },
  'internal-error': {
    short: 'not deployed: deployer error',
    meaning: 'The deployer failed on this environment, so nothing is deployed here; please report it.',
    tone: 'bad',
    blocksDeploy: true,
  },
};

/** Words an error of a code the dashboard does not know yet (a newer deployer) gets: its code, said as words. */
function unknownWording(code: string): Wording {
  return { short: code.replaceAll('-', ' '), meaning: 'The deployer reports a problem with the whole environment.', tone: 'bad', blocksDeploy: false };
}

/** Words each environment error, in the deployer's order; a missing list is no error. */
export function envAlerts(errors: readonly ResourceError[] | undefined): EnvAlert[] {
  return (errors ?? []).map((error) => ({
    code: error.code,
    ...(Object.hasOwn(WORDS, error.code) ? WORDS[error.code]! : unknownWording(error.code)),
    message: error.message,
    ...(error.file === undefined ? {} : { file: error.file }),
  }));
}
