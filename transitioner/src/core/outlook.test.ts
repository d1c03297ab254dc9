// The outlook says why a transition has not run yet, condition by condition, due or not, and what it holds back.
import { expect, it } from 'vitest';
import { decideOn, deployerSays } from '../testing/decide-on-fixture.ts';

it('names the lock, the schedule window, the rollout and the soak with their state, and the pending resources', async () => {
  const { plan } = await decideOn('soak.yaml', { deployer: deployerSays({ dev: 'InProgress' }), versionsSince: { dev: '2024-01-02T05:00:00Z' }, now: '2024-01-02T05:10:00Z' });
  expect(plan.outlooks.get('pp')).toEqual({
    at: '2024-01-02T05:10:00.000Z',
    conditions: [
      { kind: 'NotLocked', met: true },
      { kind: 'SoakTime', met: false, minutes: 30, since: '2024-01-02T05:00:00.000Z', until: '2024-01-02T05:30:00.000Z' },
    ],
    pending: [{ name: 'shop/cart', change: 'changed', from: '1.1', to: '1.2' }],
    held: [],
  });
});

it('says what a rollback holds back and which lock stops the transition', async () => {
  const { plan } = await decideOn('no-downgrade.yaml', { at: 'rolled-back', history: true });
  expect(plan.outlooks.get('pp')?.held).toEqual([{ name: 'shop/cart', file: 'dev/locks.yaml', code: 'rolled-back-in-source', message: 'dev was rolled back to 1.5.1; pp keeps 1.5.2' }]);
  const locked = await decideOn('env-locked.yaml');
  expect(locked.plan.outlooks.get('dev')?.conditions[0]).toEqual({ kind: 'NotLocked', met: false, reasons: ['release freeze until Monday'] });
});
