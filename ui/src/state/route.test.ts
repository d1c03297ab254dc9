import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './route.ts';

describe('routes', () => {
  it('round-trips every view and every filter through the hash', () => {
    const routes: Route[] = [
      { view: 'matrix' },
      { view: 'matrix', q: 'cart 1.4', show: 'failed' },
      { view: 'matrix', show: 'waiting' },
      { view: 'resource', name: 'shop/cart', env: 'pp' },
      { view: 'resource', name: 'a b&c?d' },
      { view: 'history', env: 'prod', type: 'Lock' },
      { view: 'history', env: 'dev', resource: 'shop/cart', type: 'Version' },
      { view: 'history', staging: 'feature-jira-12-login' },
      { view: 'history', excludeType: 'Schedule' },
      { view: 'stagings' },
      { view: 'stagings', kind: 'feature', state: 'failed', q: 'jira 12' },
      { view: 'staging-new' },
      { view: 'staging', name: 'checkout-test' },
      { view: 'staging-edit', name: 'checkout-test' },
    ];
    for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('writes the addresses people paste into tickets', () => {
    expect(routeHash({ view: 'matrix' })).toBe('#/');
    expect(routeHash({ view: 'matrix', q: 'shop/', show: 'locked' })).toBe('#/?q=shop%2F&show=locked');
    expect(routeHash({ view: 'resource', name: 'shop/cart', env: 'pp' })).toBe('#/resource/shop%2Fcart?env=pp');
    expect(routeHash({ view: 'history', staging: 'checkout-test', type: 'Staging' })).toBe('#/history?type=Staging&staging=checkout-test');
  });

  it('reads addresses as a person types or a ticket mangles them', () => {
    expect(parseRoute('#/resource/shop/cart?env=pp')).toEqual({ view: 'resource', name: 'shop/cart', env: 'pp' });
    expect(parseRoute('#/resource/50%off')).toEqual({ view: 'resource', name: '50%off' });
    expect(parseRoute('#?q=cart')).toEqual({ view: 'matrix', q: 'cart' });
    expect(parseRoute('#/history?staging=&env=prod')).toEqual({ view: 'history', env: 'prod' });
  });

  it('falls back to the matrix for anything unknown', () => {
    expect(parseRoute('#/nope')).toEqual({ view: 'matrix' });
    expect(parseRoute('')).toEqual({ view: 'matrix' });
  });

  it('keeps a filter only when it names one', () => {
    expect(parseRoute('#/history?type=Schedule')).toEqual({ view: 'history', type: 'Schedule' });
    expect(parseRoute('#/history?env=prod&type=Deploy')).toEqual({ view: 'history', env: 'prod' });
    expect(parseRoute('#/?show=broken&q=x')).toEqual({ view: 'matrix', q: 'x' });
    expect(parseRoute('#/?show=all')).toEqual({ view: 'matrix' });
  });

  it('keeps a stagings state filter only when it names one', () => {
    expect(parseRoute('#/stagings?state=archived&kind=feature')).toEqual({ view: 'stagings', state: 'archived', kind: 'feature' });
    expect(parseRoute('#/stagings?state=Exploded')).toEqual({ view: 'stagings' });
    expect(routeHash({ view: 'stagings', state: 'all' })).toBe('#/stagings');
  });
});
