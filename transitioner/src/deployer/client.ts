// Asking the deployer what it has deployed: `GET <deployer>/status`, bounded in time, never throwing.
import type { DeployerStatus } from '@cascade/common';
import type { DeployerView } from '../core/observations.ts';

/** Where the transitioner gets the deployer's status from. */
export interface DeployerClient {
  /** The deployer's status, or why it could not be had; never throws. */
  status(): Promise<DeployerView>;
}

/** Options of httpDeployerClient. */
export interface HttpDeployerClientOptions {
  /** Give up on an answer after this long; default 5 s. */
  timeoutMs?: number;
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
}

/** A client for the deployer's HTTP API at `baseUrl` (e.g. `http://127.0.0.1:7401`). */
export function httpDeployerClient(baseUrl: string, options: HttpDeployerClientOptions = {}): DeployerClient {
  const url = new URL('status', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? fetch;
  return {
    async status() {
      try {
        const response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
        if (!response.ok) return { kind: 'Unreachable', message: `GET ${url} answered HTTP ${response.status}` };
        const body = (await response.json()) as unknown;
        if (!isDeployerStatus(body)) return { kind: 'Unreachable', message: `GET ${url} answered something that is not a deployer status` };
        return { kind: 'Reported', status: body };
      } catch (error) {
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        return { kind: 'Unreachable', message: `GET ${url} failed: ${error instanceof Error ? error.message : String(error)}${cause}` };
      }
    },
  };
}

/** Checks the shape the transitioner relies on: a list of environments with a name, a state and resources. */
function isDeployerStatus(value: unknown): value is DeployerStatus {
  if (typeof value !== 'object' || value === null) return false;
  const environments = (value as { environments?: unknown }).environments;
  return (
    Array.isArray(environments) &&
    environments.every((e: unknown) => typeof e === 'object' && e !== null && typeof (e as { env?: unknown }).env === 'string' && typeof (e as { state?: unknown }).state === 'string' && Array.isArray((e as { resources?: unknown }).resources))
  );
}
