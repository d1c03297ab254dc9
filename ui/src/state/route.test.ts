import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route.ts';

describe('routes', () => {
  it('round-trips every view through the hash', () => {
    const routes: Route[] = [
      { view: 'matrix' },
      { view: 'resource', name: 'shop/cart', env: 'pp' },
      { view: 'history', env: 'prod', type: 'Lock' },
      { view: 'stagings' },
      { view: 'stagings', kind: 'feature', state: 'failed', q: 'jira 12' },
      { view: 'staging-new' },
      { view: 'staging', name: 'checkout-test' },
      { view: 'staging-edit', name: 'checkout-test' },
    ];
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

  it('keeps a stagings state filter only when it names one', () => {
    expect(parseRoute('#/stagings?state=archived&kind=feature')).toEqual({ view: 'stagings', state: 'archived', kind: 'feature' });
    expect(parseRoute('#/stagings?state=Exploded')).toEqual({ view: 'stagings' });
    expect(routeHash({ view: 'stagings', state: 'all' })).toBe('#/stagings');
  });
});
