// The git remote goes away for a while: pushes are refused with a clear 503 (the CLI says the remote cannot be
// reached and exits 3), nothing acknowledged is lost, and everything resumes once the remote is back.
import { rename } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { TransitionerStatus } from '@cascade/common';
import { imageOf, pushUntilAcknowledged, pushWithHttp, type Acknowledged } from './ci.ts';
import { waitFor } from './harness.ts';
import { useStacks } from './stack-hooks.ts';
import { trailer, type Stack } from './stack.ts';

const startStack = useStacks();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const runsInDev = (stack: Stack, deployment: string, image: string) =>
  waitFor(`${deployment} in dev to run ${image}`, async () => {
    const live = await stack.image('dev', deployment);
    if (live !== image) throw new Error(`dev runs ${live}`);
    return true;
  }, { timeoutMs: 120_000 });

describe('git remote outage', () => {
  it('refuses pushes with 503 while the remote is unreachable, loses nothing acknowledged, and resumes when it is back', async () => {
    const stack = await startStack({ prefix: 'e2e-gone' });
    const first = await pushUntilAcknowledged(stack, 'shop/cart', '4.0.0');
    await runsInDev(stack, 'cart', imageOf('shop/cart', '4.0.0'));

    // A CI pipeline keeps pushing checkout versions throughout, retrying whatever is refused.
    const acknowledged: Acknowledged[] = [first];
    const refusals: string[] = [];
    const versions = Array.from({ length: 12 }, (_, i) => `5.0.${i}`);
    const pipeline = (async () => {
      for (const version of versions) {
        acknowledged.push(await pushUntilAcknowledged(stack, 'shop/checkout', version, { refusals }));
        await sleep(300);
      }
    })();

    const remote = stack.fixture.remote;
    await sleep(1000);
    await rename(remote, `${remote}.away`);
    let restored = false;
    try {
      const push = await stack.cli('ci', ['push', 'shop/cart', '4.1.0', '--set', `image=${imageOf('shop/cart', '4.1.0')}`]);
      expect(push.code).toBe(3);
      expect(push.stderr).toMatch(/error: the resource repo cannot be reached .*nothing was written/);
      const http = await pushWithHttp(stack, 'shop/cart', '4.1.0');
      expect(http).toMatchObject({ acknowledged: false, status: 503, reason: expect.stringContaining('"code":"repo-unavailable"') });
      // The rest keeps answering: the aggregator serves its status, the transitioner reports the failed rounds.
      expect((await stack.cli('ci', ['status', '-o', 'json'])).code).toBe(0);
      await waitFor('the transitioner to report the unreachable remote', async () => {
        const status = (await (await fetch(`${stack.services.transitioner.url}/status`)).json()) as TransitionerStatus;
        return status.lastError ? true : undefined;
      });
      await waitFor('the pipeline to be refused a few times', async () => (refusals.length >= 3 ? true : undefined));
      await rename(`${remote}.away`, remote);
      restored = true;
    } finally {
      if (!restored) await rename(`${remote}.away`, remote);
    }

    // CI retries the refused push, and it goes through.
    const retry = await stack.cli('ci', ['push', 'shop/cart', '4.1.0', '--set', `image=${imageOf('shop/cart', '4.1.0')}`, '-o', 'json']);
    expect(retry, retry.stderr).toMatchObject({ code: 0 });
    acknowledged.push({ resource: 'shop/cart', version: '4.1.0', commit: (JSON.parse(retry.stdout) as { commit: string }).commit });
    await pipeline;
    expect(refusals.every((reason) => reason.includes('503') && reason.includes('repo-unavailable')), refusals.join('\n')).toBe(true);

    await runsInDev(stack, 'cart', imageOf('shop/cart', '4.1.0'));
    await runsInDev(stack, 'checkout', imageOf('shop/checkout', versions.at(-1)!));
    const branch = stack.fixture.branch;
    expect((await stack.fixture.git('rev-list', '--merges', branch)).trim()).toBe('');
    const versionCommits = (await stack.commits()).filter((c) => trailer(c, 'Cascade-Type') === 'Version');
    for (const ack of acknowledged) {
      await expect(stack.fixture.git('merge-base', '--is-ancestor', ack.commit, branch), `${ack.resource} ${ack.version}`).resolves.toBeDefined();
      const matching = versionCommits.filter((c) => trailer(c, 'Cascade-Resource') === ack.resource && trailer(c, 'Cascade-Version') === ack.version);
      expect(matching.map((c) => c.commit), `${ack.resource} ${ack.version}`).toEqual([ack.commit]);
    }
    expect(versionCommits).toHaveLength(acknowledged.length);
  }, 240_000);
});
