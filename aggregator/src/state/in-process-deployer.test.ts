// Under `cascade up` the aggregator reads the deployer's status objects themselves: one copy in the process, not a
// parsed copy of its /status beside the deployer's own.
import type { DeployerStatus, RolloutState } from '@cascade/common';
import { deepFreeze } from '@cascade/common';
import type { AggregatorStatus } from '@cascade/common/api';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

/** A frozen deployer status with dev in `state`, as the deployer hands out its own. */
const devIn = (state: RolloutState): DeployerStatus => deepFreeze({ environments: [{ env: 'dev', target: 'local', state, resources: [{ name: 'shop/cart', state, errors: [] }] }] });

describe('the deployer in the same process', () => {
  it('is read directly, without its URL, and the status shows its objects, not a copy; a change is published at the next look', async () => {
    let current = devIn('InProgress');
    // The harness's deployer URL refuses connections: an answer can only come from the in-process source.
    h = await startHarness({ deployerStatus: () => current });
    await h.aggregator.state.refreshPeers();
    const first = h.aggregator.state.hub.state.deployer;
    expect(first.state).toBe('ok');
    expect(first.state === 'ok' && first.status).toBe(current);

    current = devIn('Clean');
    await h.aggregator.state.refreshPeers();
    const answered = (await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
    expect(answered.deployer).toMatchObject({ state: 'ok', status: { environments: [{ env: 'dev', state: 'Clean' }] } });
    const second = h.aggregator.state.hub.state.deployer;
    expect(second.state === 'ok' && second.status).toBe(current);
  });
});
