// Whether a pass may create an object that already exists: Cascade's labels on it say which installation and
// environment applied it, and one object never has two owners. Pure; the GET that reads it is the apply step's.
import type { Manifest } from '@cascade/common';
import { ENV_LABEL, INSTALLATION_LABEL, readLabel } from './labels.ts';
import type { ObjectRef } from './object-key.ts';
import { describeRef } from './object-key.ts';

/** Who is about to apply: this installation's id, the environment, and the environment's own namespace. */
export interface Claimant {
  installation: string;
  env: string;
  home: string;
}

/** Why `claimant` must not take over the existing object, naming both owners; undefined when it may apply it. */
export function ownershipConflict(existing: Manifest, ref: ObjectRef, claimant: Claimant): string | undefined {
  const installation = readLabel(existing, INSTALLATION_LABEL);
  const env = readLabel(existing, ENV_LABEL);
  // Not Cascade's: server-side apply without force already refuses fields another manager owns.
  if (installation === undefined && env === undefined) return undefined;
  let owner: string | undefined;
  if (env !== undefined) {
    // Without an installation label it was applied by a Cascade that wrote none; its own environment takes it over.
    if (env !== claimant.env || (installation !== undefined && installation !== claimant.installation)) {
      owner = installation === undefined ? `environment ${env}` : `environment ${env} of installation ${installation}`;
    }
  } else if (installation !== claimant.installation) {
    owner = `installation ${installation}`;
  } else if (!(ref.kind === 'Namespace' && ref.name === claimant.home)) {
    // The installation's label alone marks a namespace Cascade created for some environment's binding.
    owner = `installation ${installation}, which created it as another environment's namespace`;
  }
  if (owner === undefined) return undefined;
  const who = installation !== undefined && installation !== claimant.installation ? `environment ${claimant.env} of installation ${claimant.installation}` : `environment ${claimant.env}`;
  return `${describeRef(ref)} belongs to ${owner}; ${who} cannot take it over`;
}
