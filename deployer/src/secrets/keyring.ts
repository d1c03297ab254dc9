// The deployer's keyring from its config: the identity files of `secrets.ageIdentityFile`, read once at start.
import type { CascadeConfig } from '@cascade/common/config';
import { SecretsKeyring } from '@cascade/common/secrets';

/** Reads the configured identity files; throws a SecretsError naming the file that is missing, unsafe or malformed. */
export async function keyringFromConfig(config: Pick<CascadeConfig, 'secrets'>): Promise<SecretsKeyring> {
  return SecretsKeyring.fromFiles(config.secrets?.ageIdentityFiles ?? []);
}
