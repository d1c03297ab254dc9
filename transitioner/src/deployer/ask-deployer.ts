// Asking the deployer what it has deployed, as the core needs it: reported, or why not — never an exception.
import type { DeployerClient } from '@cascade/common/peers';
import type { DeployerView } from '../core/observations.ts';

/** The deployer's status, or why it could not be had (no answer in time, an HTTP error, something else than a status). */
export async function askDeployer(client: Pick<DeployerClient, 'status'>): Promise<DeployerView> {
  try {
    return { kind: 'Reported', status: await client.status() };
  } catch (error) {
    // The core decides on an unreachable deployer (Blocked, naming why); a round never fails for it.
    return { kind: 'Unreachable', message: error instanceof Error ? error.message : String(error) };
  }
}
