// The history answer says what each promotion moved, marked by pipeline order, the same for pages and live commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, HistoryPage } from '@cascade/common/api';
import { HISTORY_FIXTURE, startHarness, type Harness } from '../testing/harness.ts';
import { commitAsPerson } from '../testing/person-commit.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture: HISTORY_FIXTURE });
});
afterAll(async () => {
  await h.cleanup();
});

const history = async (query: string): Promise<HistoryPage> => (await (await h.call('GET', `/api/v1/history?${query}`, { role: 'viewer' })).json()) as HistoryPage;
const commitOf = (name: string) => h.fx.commits[name] as string;
const entryOf = (page: HistoryPage, name: string) => page.entries.find((e) => e.commit === commitOf(name)) as HistoryEntry;

describe('history moves', () => {
  it('names each resource a promotion moved, from → to, and whether it stepped back in pipeline order', async () => {
    const page = await history('type=Transition');
    expect(entryOf(page, 'downgrade-pp').moves).toEqual([
      { resource: 'shop/cart', env: 'pp', from: '1.5.2', to: '1.5.1', downgrade: true },
      // Sha-like versions have no numbers to compare: the order they entered latest in decides.
      { resource: 'payments', env: 'pp', from: '0c3d7b2', to: 'e4f2a91', downgrade: true },
    ]);
    expect(entryOf(page, 'to-dev').moves).toEqual([
      { resource: 'shop/cart', env: 'dev', to: '1.5.2' },
      { resource: 'payments', env: 'dev', to: '0c3d7b2' },
    ]);
    // Nobody pushed prod's 1.6.0 within the history: its order is unknown, so there is no mark either way.
    expect(entryOf(page, 'to-prod').moves).toEqual([{ resource: 'shop/cart', env: 'prod', from: '1.6.0', to: '1.5.1' }]);
    expect(entryOf(await history(''), 'set-back').moves).toBeUndefined();
  });

  it('marks a promotion that arrives live as the pages do', async () => {
    const seen: HistoryEntry[][] = [];
    const stop = h.aggregator.state.hub.subscribe((event) => {
      if (event.type === 'delta' && event.delta.commits) seen.push(event.delta.commits);
    });
    try {
      const message = 'Promote dev → pp\n\n* shop/cart 1.5.1 → 1.5.2\n\nCascade-Type: Transition\nCascade-Transition: pp\nCascade-Source: dev\nCascade-Target: pp';
      await commitAsPerson(h.fx, { 'pp/version/shop/cart.yaml': 'version: "1.5.2"\n' }, message);
      await h.aggregator.refresh();
    } finally {
      stop();
    }
    expect(seen.flat().map((e) => e.moves)).toEqual([[{ resource: 'shop/cart', env: 'pp', from: '1.5.1', to: '1.5.2', downgrade: false }]]);
  });

  it('leaves schedule commits out on request, or lists only them', async () => {
    const all = await history('limit=200');
    const schedules = await history('type=Schedule');
    const without = await history('excludeType=Schedule&limit=200');
    expect(schedules.entries.map((e) => e.subject)).toEqual(['Schedule prod: next window 2026-12-03T05:00:00.000Z']);
    expect(without.entries.length).toBe(all.entries.length - 1);
    expect(without.entries.some((e) => e.type === 'Schedule')).toBe(false);
    expect((await h.call('GET', '/api/v1/history?excludeType=Deploy', { role: 'viewer' })).status).toBe(400);
  });
});
