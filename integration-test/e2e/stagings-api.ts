// Stagings as a client sees them: the aggregator's `/api/v1/stagings` routes with a role's token, and bounded waits on
// what the list and the detail report.
import type { StagingDetail, StagingList, StagingView } from '@cascade/common/api';
import { waitFor } from './harness.ts';
import type { Stack, StackRole } from './stack.ts';

/** An answer of the aggregator: its status and parsed JSON body. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/** One request to the aggregator's API with the token of `role`; `path` starts after `/api/v1`. */
export async function callApi<T = unknown>(stack: Stack, role: StackRole, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> {
  const response = await fetch(`${stack.services.aggregator.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.tokens[role]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

/** `GET /api/v1/stagings` as a viewer. */
export async function stagingList(stack: Stack): Promise<StagingList> {
  const answer = await callApi<StagingList>(stack, 'viewer', 'GET', '/stagings');
  if (answer.status !== 200) throw new Error(`GET /api/v1/stagings answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** `GET /api/v1/stagings/{name}` as an operator; undefined when the aggregator does not know the staging. */
export async function stagingDetail(stack: Stack, name: string): Promise<StagingDetail | undefined> {
  const answer = await callApi<StagingDetail>(stack, 'operator', 'GET', `/stagings/${encodeURIComponent(name)}`);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200) throw new Error(`GET /api/v1/stagings/${name} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Polls the staging list until `name` is in it and `check` accepts it; the timeout message shows what it was last. */
export async function waitForListed(stack: Stack, name: string, what: string, check: (view: StagingView) => boolean, timeoutMs = 180_000): Promise<StagingView> {
  let last: StagingView | undefined;
  try {
    return await waitFor(what, async () => {
      last = (await stagingList(stack)).stagings.find((s) => s.name === name);
      return last !== undefined && check(last) ? last : undefined;
    }, { timeoutMs });
  } catch (error) {
    throw new Error(`${(error as Error).message}; the list last showed ${JSON.stringify(last)}`, { cause: error });
  }
}

/**
 * Polls the staging's detail until the deployer reports it `Running` with every versioned resource live at `tag`:
 * the phase alone may still be the report from before a change the file already shows.
 */
export async function waitForRunningAt(stack: Stack, name: string, tag: string, timeoutMs = 180_000): Promise<StagingDetail> {
  let last: StagingDetail | undefined;
  try {
    return await waitFor(`staging ${name} Running at ${tag}`, async () => {
      last = await stagingDetail(stack, name);
      if (last?.phase !== 'Running') return undefined;
      const versioned = last.resources.filter((r) => r.liveVersion !== undefined);
      return versioned.length > 0 && versioned.every((r) => r.liveVersion === tag) ? last : undefined;
    }, { timeoutMs });
  } catch (error) {
    const seen = last && { phase: last.phase, reason: last.reason, resources: last.resources.map((r) => [r.name, r.state, r.liveVersion]) };
    throw new Error(`${(error as Error).message}; the detail last showed ${JSON.stringify(seen)}`, { cause: error });
  }
}
