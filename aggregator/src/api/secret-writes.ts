// Running a write that encrypts secrets: the write says which recipients the `.sops.yaml` rule names on the tree it runs
// on (RecipientsChangedError); the data key is wrapped to them here, outside the synchronous write, and the write runs
// again. Version pushes and staging writes share it.
import { SecretsError, SopsDataKey } from '@cascade/common/secrets';
import { HttpError } from '@cascade/common/service';
import type { WritePlan } from '../writes/plan.ts';
import { RecipientsChangedError, SOPS_CONFIG, type SecretsPush } from '../writes/version-secrets.ts';
import type { RouteDeps } from './deps.ts';
import { runWrite } from './write-routes-helpers.ts';

/** Attempts of a write with secrets; each extra one follows a `.sops.yaml` that named other recipients meanwhile. */
const KEY_ATTEMPTS = 3;

/** Runs `plan()` through the one write path, making the data key `secrets` needs (if any) as the write asks for it. */
export async function runWriteWithSecrets<T>(deps: RouteDeps, secrets: SecretsPush | undefined, plan: () => WritePlan<T>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runWrite(deps, plan());
    } catch (error) {
      if (!(error instanceof RecipientsChangedError) || !secrets) throw error;
      if (attempt > KEY_ATTEMPTS) throw new HttpError(503, 'repo-busy', `secrets: ${SOPS_CONFIG} kept changing its recipients for ${error.file} during the write; nothing was written, retry`, { field: 'secrets', file: SOPS_CONFIG });
      secrets.key = await wrapNewDataKey(error.recipients, error.file);
    }
  }
}

/** A new data key for the recipients; a recipient age cannot encrypt to is the repo's `.sops.yaml` at fault (422). */
async function wrapNewDataKey(recipients: string[], file: string): Promise<SopsDataKey> {
  try {
    return await SopsDataKey.create(recipients, file);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    throw new HttpError(422, 'bad-sops-config', `secrets: ${SOPS_CONFIG} names a recipient age cannot encrypt to (${error.message})`, { field: 'secrets', file: SOPS_CONFIG });
  }
}
