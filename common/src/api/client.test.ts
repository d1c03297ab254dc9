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
    expect(sent).toEqual([
      ['POST', '/versions', { resource: 'shop/cart', version: '1.0' }],
      ['POST', '/locks', { env: 'pp', reason: 'freeze' }],
      ['DELETE', '/locks', { env: 'pp' }],
      ['POST', '/rollbacks', { env: 'pp', resource: 'shop/cart', to: '0.9' }],
      ['POST', '/promotions', { transition: 'prod' }],
      ['GET', '/status'],
      ['GET', '/history?env=dev&limit=20'],
      ['GET', '/whoami'],
    ]);
  });

  it('leaves unset and empty filters out of the history query', () => {
    expect(historySearch({})).toBe('');
    expect(historySearch({ env: '', resource: 'shop/cart', type: undefined })).toBe('?resource=shop%2Fcart');
  });
});
