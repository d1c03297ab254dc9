import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route.ts';

describe('routes', () => {
  it('round-trips every view through the hash', () => {
    const routes: Route[] = [{ view: 'matrix' }, { view: 'resource', name: 'shop/cart', env: 'pp' }, { view: 'history', env: 'prod', type: 'Lock' }];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('falls back to the matrix for anything unknown', () => {
    expect(parseRoute('#/nope')).toEqual({ view: 'matrix' });
    expect(parseRoute('')).toEqual({ view: 'matrix' });
  });

  it('keeps a history type filter only when it names a commit type', () => {
    expect(parseRoute('#/history?type=Schedule')).toEqual({ view: 'history', type: 'Schedule' });
    expect(parseRoute('#/history?env=prod&type=Deploy')).toEqual({ view: 'history', env: 'prod' });
  });
});
