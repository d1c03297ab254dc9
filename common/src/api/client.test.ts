import { describe, expect, it } from 'vitest';
import { AggregatorApi, historySearch } from './client.ts';

describe('AggregatorApi', () => {
  it('names every route with its method and body, over whatever transport the caller gives', async () => {
    const sent: unknown[] = [];
    const api = new AggregatorApi(async (method, path, body) => {
      sent.push(body === undefined ? [method, path] : [method, path, body]);
      return undefined as never;
    });
    await api.pushVersion({ resource: 'shop/cart', version: '1.0' });
    await api.lock({ env: 'pp', reason: 'freeze' });
    await api.unlock({ env: 'pp' });
    await api.rollback({ env: 'pp', resource: 'shop/cart', to: '0.9' });
    await api.promote('prod');
    await api.status();
    await api.history({ env: 'dev', limit: 20 });
    await api.whoami();
    await api.signInOptions();
    expect(sent).toEqual([
      ['POST', '/versions', { resource: 'shop/cart', version: '1.0' }],
      ['POST', '/locks', { env: 'pp', reason: 'freeze' }],
      ['DELETE', '/locks', { env: 'pp' }],
      ['POST', '/rollbacks', { env: 'pp', resource: 'shop/cart', to: '0.9' }],
      ['POST', '/promotions', { transition: 'prod' }],
      ['GET', '/status'],
      ['GET', '/history?env=dev&limit=20'],
      ['GET', '/whoami'],
      ['GET', '/sign-in'],
    ]);
  });

  it('names the staging routes, encoding the name so a mistyped one cannot reach another route', async () => {
    const sent: unknown[] = [];
    const api = new AggregatorApi(async (method, path, body) => {
      sent.push(body === undefined ? [method, path] : [method, path, body]);
      return undefined as never;
    });
    await api.stagings();
    await api.staging('feature-x');
    await api.createStaging({ name: 'feature-x', kind: 'feature', tag: '1' });
    await api.deployStaging({ fromBranch: 'feature/x', kind: 'feature', tag: '1' });
    await api.updateStaging('feature-x', { tag: '2' });
    await api.archiveStaging({ name: 'feature-x' });
    await api.archiveStaging({ fromBranch: 'feature/x' });
    await api.restoreStaging('a/../b');
    await api.cleanupStaging('feature-x');
    expect(sent).toEqual([
      ['GET', '/stagings'],
      ['GET', '/stagings/feature-x'],
      ['POST', '/stagings', { name: 'feature-x', kind: 'feature', tag: '1' }],
      ['POST', '/stagings/deploy', { fromBranch: 'feature/x', kind: 'feature', tag: '1' }],
      ['PATCH', '/stagings/feature-x', { tag: '2' }],
      ['POST', '/stagings/feature-x/archive'],
      ['POST', '/stagings/archive', { fromBranch: 'feature/x' }],
      ['POST', '/stagings/a%2F..%2Fb/restore'],
      ['POST', '/stagings/feature-x/cleanup'],
    ]);
  });

  it('leaves unset and empty filters out of the history query', () => {
    expect(historySearch({})).toBe('');
    expect(historySearch({ env: '', resource: 'shop/cart', type: undefined })).toBe('?resource=shop%2Fcart');
  });
});
