// CI as the e2e tests play it: push versions through the aggregator's HTTP API or the CLI, retrying what was refused.
import type { PushVersionResponse } from '@cascade/common/api';
import type { Stack } from './stack.ts';

/** An acknowledged push: the aggregator answered 201 or 200 with this commit. */
export interface Acknowledged {
  resource: string;
  version: string;
  commit: string;
}

/** The image a test gives version `version` of `resource`. */
export const imageOf = (resource: string, version: string) => `registry.example.com/${resource}:${version}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of pushUntilAcknowledged. */
export interface RetryOptions {
  /** Push with `cascade push` instead of HTTP. */
  viaCli?: boolean;
  /** Every refused attempt is recorded here with the reason. */
  refusals?: string[];
  /** Stops retrying with this error when it returns one (e.g. a helper task failed). */
  abort?: () => unknown;
  /** Told when an attempt starts (+1) and ends (-1), so a test can strike while a push is in flight. */
  inFlight?: (delta: 1 | -1) => void;
}

/** Pushes until the aggregator acknowledges, as a CI job retrying a failed step would. */
export async function pushUntilAcknowledged(stack: Stack, resource: string, version: string, options: RetryOptions = {}): Promise<Acknowledged> {
  for (let attempt = 1; ; attempt++) {
    const stop = options.abort?.();
    if (stop !== undefined) throw new Error(`stopped pushing ${resource} ${version}`, { cause: stop });
    options.inFlight?.(1);
    const outcome = await (options.viaCli ? pushWithCli(stack, resource, version) : pushWithHttp(stack, resource, version)).finally(() => options.inFlight?.(-1));
    if (outcome.acknowledged) return { resource, version, commit: outcome.answer.commit };
    options.refusals?.push(`${resource} ${version} attempt ${attempt}: ${outcome.reason}`);
    if (attempt >= 300) throw new Error(`${resource} ${version} was never acknowledged; last: ${outcome.reason}`);
    await sleep(300);
  }
}

/** A push's outcome: acknowledged, or refused in a way that says "retry" (anything else throws). */
export type PushOutcome = { acknowledged: true; answer: PushVersionResponse } | { acknowledged: false; reason: string; status?: number };

/** One `POST /api/v1/versions`. */
export async function pushWithHttp(stack: Stack, resource: string, version: string): Promise<PushOutcome> {
  let response: Response;
  try {
    response = await fetch(`${stack.services.aggregator.url}/api/v1/versions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.ci}`, 'content-type': 'application/json' },
      body: JSON.stringify({ resource, version, fields: { image: imageOf(resource, version) }, changelog: `Release ${version} of ${resource}` }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (error) {
    return { acknowledged: false, reason: `no answer (${(error as Error).message})` };
  }
  const body = await response.text();
  if (response.status === 201 || response.status === 200) return { acknowledged: true, answer: JSON.parse(body) as PushVersionResponse };
  if (response.status === 503) return { acknowledged: false, reason: `503 ${body}`, status: 503 };
  throw new Error(`push ${resource} ${version} refused for good: ${response.status} ${body}`);
}

/** One `cascade push … -o json`. */
async function pushWithCli(stack: Stack, resource: string, version: string): Promise<PushOutcome> {
  const run = await stack.cli('ci', ['push', resource, version, '--set', `image=${imageOf(resource, version)}`, '--changelog', '-', '-o', 'json'], `Release ${version} of ${resource}\n`);
  if (run.code === 0) return { acknowledged: true, answer: JSON.parse(run.stdout) as PushVersionResponse };
  // Exit code 3 is the CLI's "unreachable, nothing was changed, retry".
  if (run.code === 3) return { acknowledged: false, reason: `cli exit 3: ${run.stderr.trim()}` };
  throw new Error(`cascade push ${resource} ${version} failed with exit code ${run.code}: ${run.stderr}`);
}
