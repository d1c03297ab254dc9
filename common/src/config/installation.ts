// The installation id: what tells one Cascade's objects on a cluster from another's that uses the same environment names.
import { createHash } from 'node:crypto';
import type { RepoConfig } from './types.ts';

/** A configured installation id: a DNS label, since it becomes a Kubernetes label value. */
export const INSTALLATION_ID = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * The id used when `deployer.installation` is absent: the first 10 hex digits of sha256(`<repo url>#<branch>`).
 * The url is already absolute for local paths, so two configs naming the same repo differently still agree,
 * and two installations of different repos (or branches) never share an id without any configuration.
 */
export function defaultInstallationId(repo: Pick<RepoConfig, 'url' | 'branch'>): string {
  return createHash('sha256').update(`${repo.url}#${repo.branch}`).digest('hex').slice(0, 10);
}
